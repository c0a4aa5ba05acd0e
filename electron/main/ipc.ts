import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, EVENT_WIRE, EVENTS, type EventChannel, type EventEnvelope, type IpcEvent } from '../../shared/ipc/contract.js';
import { dispatch, type Handlers } from './handlers/index.js';

/** Only the app's own top frame, loaded from disk, may call main. */
export function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && frame.url.startsWith('file://');
}

/** Registers every channel of the contract; each payload is validated before any handler runs. */
export function registerIpc(handlers: Handlers): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!trustedSender(event)) {
        return { ok: false, error: { code: 'UNTRUSTED_SENDER', message: `refused ${channel}: the request did not come from Skylift's own window`, hint: 'restart Skylift' } };
      }
      return dispatch(handlers, channel, payload);
    });
  }
}

/** Sends an event to the window, checked against its schema first. */
export function sendEvent<E extends EventChannel>(contents: WebContents | undefined, event: E, payload: IpcEvent<E>): void {
  if (!contents || contents.isDestroyed()) return;
  const envelope: EventEnvelope = { event, payload: EVENTS[event].parse(payload) };
  contents.send(EVENT_WIRE, envelope);
}
