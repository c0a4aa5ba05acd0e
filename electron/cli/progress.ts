import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/**
 * Renders a long job's typed events, whatever the job: a progress bar on a terminal (stderr, so
 * that stdout stays clean), JSON lines on stdout otherwise — every event, then the result or the
 * error, one object per line. A command says how its events look on a bar (`view`) and which
 * ones are notices to print above it (`notice`).
 */

export interface BarView {
  /** Short step name before the bar. */
  label: string;
  value: number;
  /** Null when the end is unknown: the bar then shows the counts only. */
  total: number | null;
  /** What the counter column says; default `value/total`. */
  count?: string;
  /** After the bar: sizes, rate, ETA, the current item. */
  detail: string;
}

export interface ProgressRenderer<E> {
  event(e: E): void;
  /** The job's result: a JSON line, or nothing on a terminal (the command prints its summary). */
  result(doc: unknown): void;
  /** The job's failure: a JSON line, or nothing on a terminal (the command reports it). */
  error(doc: unknown): void;
  stop(): void;
}

export type ProgressMode = 'bars' | 'json';

/** Bars on an interactive terminal, JSON lines when asked or when output is piped or logged. */
export const progressMode = (json: boolean | undefined, stderr: NodeJS.WriteStream = process.stderr): ProgressMode => (!json && stderr.isTTY ? 'bars' : 'json');

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const jsonLine = (out: NodeJS.WritableStream, doc: unknown): void => void out.write(`${JSON.stringify(doc)}\n`);

export function createProgress<E>(opts: {
  mode: ProgressMode;
  view: (e: E) => BarView | null;
  notice: (e: E) => string | null;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}): ProgressRenderer<E> {
  const stdout = opts.stdout ?? process.stdout;
  if (opts.mode === 'json') {
    return {
      event: (e) => jsonLine(stdout, e),
      result: (doc) => jsonLine(stdout, { type: 'result', ...(doc as object) }),
      error: (doc) => jsonLine(stdout, { type: 'error', ...(doc as object) }),
      stop: () => undefined,
    };
  }
  const multi = new MultiBar(
    {
      stream: opts.stderr ?? process.stderr,
      format: '{label} |{bar}| {count} {detail}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 28,
      fps: 8,
    },
    Presets.shades_classic,
  );
  let bar: SingleBar | null = null;
  let stopped = false;
  return {
    event(e) {
      if (stopped) return;
      const note = opts.notice(e);
      if (note !== null) {
        multi.log(`${note}\n`);
        return;
      }
      const v = opts.view(e);
      if (!v) return;
      const total = v.total ?? Math.max(v.value, 1);
      const payload = { label: v.label.padEnd(8), count: v.count ?? (v.total === null ? String(v.value) : `${v.value}/${v.total}`), detail: v.detail };
      if (!bar) bar = multi.create(total, v.value, payload);
      else {
        bar.setTotal(total);
        bar.update(v.value, payload);
      }
    },
    result: () => undefined,
    error: () => undefined,
    stop() {
      if (stopped) return;
      stopped = true;
      // cli-progress prints logged lines only on its next redraw: draw once more so that none is lost.
      multi.update();
      multi.stop();
    },
  };
}
