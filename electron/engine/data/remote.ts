import { quote } from 'shell-quote';
import { DataError } from '../../../shared/data/data-error.js';
import { PRELUDE } from '../../../shared/inventory/probe-script.js';
import { isSshError, type ExecResult, type ExecStream, type SshSession } from '../ssh/index.js';

/*
 * Source-side work runs as fixed scripts fed to `sh -s` on stdin, after the probe's PRELUDE
 * (`sky_has`, `sky_uid`, and `sky_as USER CMD…`, which runs a command as the database's OS user
 * without a password and fails at once when that is not allowed: it never prompts). Names and
 * other values reach the scripts only as positional arguments, quoted by shell-quote.
 */

/** The fixed command line: the script arrives on stdin, the arguments quoted. */
export function scriptCommand(args: readonly string[]): string {
  return `LC_ALL=C; export LC_ALL; exec /bin/sh -s --${args.length ? ` ${quote([...args])}` : ''}`;
}

/**
 * A here-document carrying fixed text (SQL) to a command's stdin: a terminator the text
 * cannot contain, and no expansion inside.
 */
export function heredoc(text: string): { open: string; body: string } {
  let tag = 'SKYLIFT_EOF';
  while (text.includes(tag)) tag += '_';
  return { open: `<<'${tag}'`, body: `${text}\n${tag}\n` };
}

export interface RemoteRun {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function runScript(session: SshSession, body: string, args: readonly string[], opts: RemoteRun = {}): Promise<ExecResult> {
  try {
    return await session.exec(scriptCommand(args), { stdin: `${PRELUDE}\n${body}\n`, timeoutMs: opts.timeoutMs, signal: opts.signal });
  } catch (err) {
    if (isSshError(err, 'DISCONNECTED')) throw new DataError('SSH_LOST', err.message, 'check the network and the box, then run again', { cause: err });
    throw err;
  }
}

/** Like `runScript`, for a long output read as a stream (a dump). */
export function streamScript(session: SshSession, body: string, args: readonly string[], opts: { signal?: AbortSignal } = {}): ExecStream {
  return session.execStream(scriptCommand(args), { stdin: `${PRELUDE}\n${body}\n`, signal: opts.signal });
}

/** The last non-empty lines of a command's error output, for a message (bounded). */
export function stderrTail(stderr: Buffer | string, lines = 3): string {
  return String(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' / ')
    .slice(0, 600);
}

/** Collects the tail of a stream that is already flowing (stderr of a dump). */
export function keepTail(stream: NodeJS.ReadableStream, max = 8192): () => string {
  let tail = '';
  stream.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-max);
  });
  return () => tail;
}
