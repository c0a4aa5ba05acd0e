import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { SshError } from './errors.js';

export interface ExecStreamOptions {
  /** Fed to the command's stdin, then EOF. Without it, `exec` sends EOF at once and `execStream` leaves `stdin` to you. */
  stdin?: string | Buffer | Readable;
  /** Deadline for the whole command: then it is sent SIGKILL, its channel closed, and COMMAND_TIMEOUT raised. */
  timeoutMs?: number;
  /** Aborting does the same as the deadline and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ExecOptions extends ExecStreamOptions {
  /** Output beyond this is read and dropped (`stdoutTruncated`). Default 64 MiB. */
  maxStdoutBytes?: number;
  /** Default 1 MiB. */
  maxStderrBytes?: number;
}

export interface ExecExit {
  /** Exit status, or null when killed by a signal or when the server sent none. */
  code: number | null;
  /** e.g. `SIGKILL`. */
  signal: string | null;
}

export interface ExecResult extends ExecExit {
  stdout: Buffer;
  stderr: Buffer;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export interface ExecStream {
  stdout: Readable;
  /** Already flowing so that it can never stall the channel: attach 'data' listeners right away or lose output. */
  stderr: Readable;
  /** End it, or the command waits for more input. */
  stdin: Writable;
  /** Settles when the channel closes; read `stdout` to its end too (unread output holds the channel open). */
  done: Promise<ExecExit>;
}

/** What a command needs from its session. */
export interface ChannelSource {
  label: string;
  /** Opens an exec channel within the per-connection limit; `release` frees the slot. */
  openExec(command: string): Promise<{ channel: ClientChannel; release: () => void }>;
  /** The connection's loss, now or later (calls back at most once; returns an unsubscribe). */
  onLost(listener: (err: SshError) => void): () => void;
}

/**
 * Kills the remote command's process group (sshd does killpg) and closes the channel. sshd
 * refuses signals in root sessions (they run without privilege separation): there a silent
 * command lives on until it ends, while one that writes dies of SIGPIPE. ssh2's
 * `Channel.signal` sends nothing once stdin is at EOF (it checks `writable`), which is exactly the
 * state of a timed-out `exec`, so the request goes through its protocol object directly.
 */
function killRemote(channel: ClientChannel): void {
  const ch = channel as unknown as { outgoing: { id: number; state: string }; _client: { _protocol: { signal(id: number, name: string): void } } };
  try {
    if (ch.outgoing.state === 'open' || ch.outgoing.state === 'eof') ch._client._protocol.signal(ch.outgoing.id, 'KILL');
    channel.close();
  } catch {
    // The connection is already gone: nothing left to signal.
  }
}

const shortCommand = (command: string): string => (command.length > 60 ? command.slice(0, 57) + '...' : command);

export function startExec(source: ChannelSource, command: string, opts: ExecStreamOptions): ExecStream {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  // Unread stderr would fill the shared channel window and stall stdout too (mscdex/ssh2#980).
  stderr.resume();

  const done = new Promise<ExecExit>((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let release = (): void => undefined;
    let exit: ExecExit | undefined;
    let settled = false;
    let unsubscribe = (): void => undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      unsubscribe();
      return true;
    };
    const fail = (err: Error): void => {
      if (!settle()) return;
      if (channel) {
        // Stop listening and drain what is left, so that the channel can close.
        channel.unpipe(stdout);
        channel.stderr.unpipe(stderr);
        stdin.unpipe(channel);
        channel.resume();
        channel.stderr.resume();
        killRemote(channel);
      }
      stdout.end();
      stderr.end();
      stdin.resume();
      // sshd holds a killed channel open until the command exits: free the slot now.
      release();
      reject(err);
    };
    // The deadline counts from the call: waiting for a free channel is part of it.
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => fail(new SshError('COMMAND_TIMEOUT', `"${shortCommand(command)}" on ${source.label} did not finish within ${opts.timeoutMs} ms; it was killed`, 'the box may be overloaded or a mount may hang; retry, or raise the timeout')),
            opts.timeoutMs,
          );
    const onAbort = (): void => fail(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    unsubscribe = source.onLost((err) => {
      if (exit === undefined) fail(err);
    });

    const input = opts.stdin;
    if (typeof input === 'string' || Buffer.isBuffer(input)) stdin.end(input);
    else if (input) {
      input.once('error', fail);
      input.pipe(stdin);
    }

    source.openExec(command).then(({ channel: ch, release: free }) => {
      if (settled) {
        // Timed out or aborted while waiting for the channel: the command may already run.
        killRemote(ch);
        return free();
      }
      channel = ch;
      release = free;
      ch.on('exit', (code: number | null, signal?: string) => {
        exit = { code: code ?? null, signal: signal ?? null };
      });
      ch.pipe(stdout);
      ch.stderr.pipe(stderr);
      stdin.pipe(ch);
      ch.once('close', () => {
        free();
        // Writes after the close would never complete (ssh2 drops them): discard them instead.
        stdin.unpipe(ch);
        stdin.resume();
        if (settle()) resolve(exit ?? { code: null, signal: null });
      });
    }, fail);
  });
  // Settled either way; a caller that only reads stdout must not crash the process on rejection.
  done.catch(() => undefined);
  return { stdout, stderr, stdin, done };
}

function collect(stream: Readable, max: number): Promise<{ data: Buffer; truncated: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    stream.on('data', (chunk: Buffer) => {
      const room = max - kept;
      if (chunk.length > room) truncated = true;
      if (room > 0) {
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks.push(part);
        kept += part.length;
      }
    });
    stream.once('end', () => resolve({ data: Buffer.concat(chunks), truncated }));
  });
}

/** Runs a command to its end and returns its output (bounded) and exit status. */
export async function runExec(source: ChannelSource, command: string, opts: ExecOptions): Promise<ExecResult> {
  const run = startExec(source, command, { ...opts, stdin: opts.stdin ?? '' });
  const [out, err, exit] = await Promise.all([
    collect(run.stdout, opts.maxStdoutBytes ?? 64 * 1024 * 1024),
    collect(run.stderr, opts.maxStderrBytes ?? 1024 * 1024),
    run.done,
  ]);
  return { ...exit, stdout: out.data, stderr: err.data, stdoutTruncated: out.truncated, stderrTruncated: err.truncated };
}
