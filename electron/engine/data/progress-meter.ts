import type { DataEngine, DataEvent, DataPhase, DataProgress } from '../../../shared/schema/data.js';

const EMIT_EVERY_MS = 250;
/** The rate is measured over the last few seconds, so that the ETA follows the current speed. */
const WINDOW_MS = 5000;

/** Counts bytes and items and emits throttled progress events with a rate and an ETA. */
export class ProgressMeter {
  private bytes = 0;
  private done = 0;
  private phase: DataPhase = 'check';
  private current: string | undefined;
  private lastEmit = 0;
  /** Counts changed since the last event. */
  private dirty = false;
  private readonly samples: { at: number; bytes: number }[] = [];

  private readonly emit: (e: DataEvent) => void;

  constructor(
    private readonly engine: DataEngine,
    private readonly unit: DataProgress['unit'],
    listener: (e: DataEvent) => void,
    private bytesTotal: number | null = null,
    private total: number | null = null,
  ) {
    // A listener that throws (a closed window, a broken pipe) must not abort a copy halfway.
    this.emit = (e) => {
      try {
        listener(e);
      } catch {
        // The copy goes on; its result still reports the outcome.
      }
    };
  }

  setTotals(bytesTotal: number | null, total: number | null): void {
    this.bytesTotal = bytesTotal;
    this.total = total;
  }

  /** A phase change is always emitted, after the old phase's final figures. */
  enter(phase: DataPhase, current?: string): void {
    if (this.dirty) this.flush();
    this.phase = phase;
    this.current = current;
    if (phase === 'verify') this.done = 0;
    this.flush();
  }

  addBytes(n: number): void {
    this.bytes += n;
    this.dirty = true;
    this.maybeFlush();
  }

  item(done: number, current?: string): void {
    this.done = done;
    this.current = current;
    this.dirty = true;
    this.maybeFlush();
  }

  notice(level: 'info' | 'warn', message: string): void {
    this.emit({ type: 'notice', level, message });
  }

  get totalBytes(): number {
    return this.bytes;
  }

  private maybeFlush(): void {
    if (Date.now() - this.lastEmit >= EMIT_EVERY_MS) this.flush();
  }

  flush(): void {
    const now = Date.now();
    this.lastEmit = now;
    this.dirty = false;
    this.samples.push({ at: now, bytes: this.bytes });
    while (this.samples.length > 2 && now - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    const rate = seconds > 0 ? (this.bytes - first.bytes) / seconds : 0;
    // The catalog's estimate can fall short of the dump's real size: never report negative time.
    const bytesTotal = this.bytesTotal === null ? null : Math.max(this.bytesTotal, this.bytes);
    const eta = bytesTotal !== null && rate > 0 && this.phase === 'copy' ? (bytesTotal - this.bytes) / rate : null;
    this.emit({
      type: 'progress',
      engine: this.engine,
      phase: this.phase,
      bytes: this.bytes,
      bytesTotal,
      unit: this.unit,
      done: this.total === null ? this.done : Math.min(this.done, this.total),
      total: this.total,
      rateBytesPerSec: Math.round(rate),
      etaSeconds: eta === null ? null : Math.round(eta),
      ...(this.current === undefined ? {} : { current: this.current }),
    });
  }
}
