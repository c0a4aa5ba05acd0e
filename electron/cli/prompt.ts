import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

export const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY);

// Several boxes connect at once; their questions take turns on the one terminal.
let queue: Promise<unknown> = Promise.resolve();

/** Asks on the terminal (stderr, so stdout stays clean for --json); `hidden` does not echo. */
export function ask(question: string, opts: { hidden?: boolean } = {}): Promise<string> {
  const turn = queue.then(() => askNow(question, opts));
  queue = turn.catch(() => undefined);
  return turn;
}

async function askNow(question: string, opts: { hidden?: boolean }): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = rl.question(question);
    muted = Boolean(opts.hidden);
    return await answer;
  } finally {
    if (opts.hidden) process.stderr.write('\n');
    rl.close();
  }
}
