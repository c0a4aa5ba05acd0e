import type { Readable } from 'node:stream';
import { DataError, scrub } from '../../../shared/data/data-error.js';
import { isSshError, type ExecExit, type ExecStream } from '../ssh/index.js';
import { keepTail, stderrTail } from './remote.js';

/** How far reading from the box may run ahead of writing to the target. */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/**
 * The stream's chunks, read ahead into a bounded queue: the box keeps sending while the target
 * digests a statement or drains a COPY, instead of both sides taking turns. The stream is paused
 * above `limit` queued bytes, so memory stays flat whatever the dump's size.
 */
export async function* readAhead(stream: Readable, limit = READ_AHEAD_BYTES): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failed: unknown = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > limit) stream.pause();
    notify();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  const onError = (err: unknown): void => {
    failed = err;
    notify();
  };
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.once('error', onError);
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        queued -= chunk.length;
        if (queued < limit / 2 && stream.isPaused()) stream.resume();
        yield chunk;
        continue;
      }
      if (failed) throw failed;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('error', onError);
  }
}

/** A dump running on the box, streamed to us; one place decides what its ending means. */
export interface DumpStream {
  stdout: Readable;
  /** After stdout ended: resolves when the dump exited 0, else throws DUMP_FAILED or SSH_LOST. */
  finish(): Promise<void>;
  /**
   * Stops the dump if it still runs (after a failure elsewhere) and says whether the dump
   * itself failed first: the connection dropped (SSH_LOST) or the tool exited non-zero.
   */
  stop(): Promise<DataError | null>;
}

type Outcome = { exit: ExecExit } | { error: unknown };

export function runDump(start: (signal: AbortSignal) => ExecStream, what: string, label: string, secrets: readonly (string | null)[] = []): DumpStream {
  const stopper = new AbortController();
  const exec = start(stopper.signal);
  const tail = keepTail(exec.stderr);
  let outcome: Outcome | null = null;
  const settled = exec.done.then(
    (exit) => (outcome = { exit }),
    (error: unknown) => (outcome = { error }),
  );
  const failure = (o: Outcome): DataError | null => {
    if ('error' in o) {
      if (isSshError(o.error)) {
        return new DataError('SSH_LOST', `the SSH connection to ${label} dropped while ${what} was streaming: ${o.error.message}`, 'check the network and the box, then run the copy again', { cause: o.error });
      }
      return null;
    }
    if (o.exit.code === 0) return null;
    const why = scrub(stderrTail(tail()), secrets) || `exit ${o.exit.code ?? o.exit.signal}`;
    return new DataError('DUMP_FAILED', `${what} failed on ${label}: ${why}`, 'fix the cause on the box (the message is the dump tool\'s own), then run the copy again');
  };
  return {
    stdout: exec.stdout,
    async finish() {
      const o = await settled;
      const err = failure(o);
      if (err) throw err;
      if ('error' in o) throw o.error;
    },
    async stop() {
      // Output ended: the channel's exit status and close follow in a moment.
      if (!outcome && exec.stdout.readableEnded) await Promise.race([settled, new Promise((r) => setTimeout(r, 2000).unref())]);
      if (outcome) return failure(outcome);
      stopper.abort(new Error('stopped by Skylift'));
      await settled;
      return null;
    },
  };
}
