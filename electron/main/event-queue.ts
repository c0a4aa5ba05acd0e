import { EVENTS, type EventChannel, type EventEnvelope, type IpcEvent } from '../../shared/ipc/contract.js';

/**
 * Events for the window, held until its page says it listens (`app:ready`) and delivered then in
 * the order they were sent: a job that streams while the page loads or reloads (a cutover
 * resumed at start-up) loses nothing. Fiddle's main/ipc.ts does the same.
 */
export class EventQueue {
  private held: EventEnvelope[] = [];
  private listening = false;

  /** `deliver` sends to the window now; false when no window can take it. */
  constructor(private readonly deliver: (envelope: EventEnvelope) => boolean) {}

  /** Checks the event against its schema, then sends it or holds it. */
  push<E extends EventChannel>(event: E, payload: IpcEvent<E>): void {
    const envelope: EventEnvelope = { event, payload: EVENTS[event].parse(payload) };
    if (this.listening && this.deliver(envelope)) return;
    this.listening = false;
    this.held.push(envelope);
  }

  /** The page listens: everything held goes out in order; returns how many. */
  ready(): number {
    let sent = 0;
    while (this.held.length > 0) {
      if (!this.deliver(this.held[0]!)) return sent;
      this.held.shift();
      sent += 1;
    }
    this.listening = true;
    return sent;
  }

  /** The page is (re)loading or gone: hold events until it is ready again. */
  hold(): void {
    this.listening = false;
  }
}
