import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export class LockedError extends Error {
  override readonly name = 'LockedError';
  readonly code = 'MIGRATION_LOCKED';
  constructor(
    readonly holder: LockHolder,
    readonly hint: string,
  ) {
    super(`migration is being changed by ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): { text: string; holder: LockHolder | null } | null {
  try {
    const text = readFileSync(file, 'utf8');
    try {
      return { text, holder: JSON.parse(text) as LockHolder };
    } catch {
      return { text, holder: null };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export interface Lock {
  release(): void;
  /** Set when a lock left by a crashed process was taken over. */
  tookOverFrom: LockHolder | null;
}

/**
 * One writer per migration (CLI or desktop app, any process on this machine): a lock file made
 * with O_EXCL. A lock whose process is gone is taken over: it is renamed aside (an atomic step
 * only one taker wins) and checked to be the very lock judged stale before a new one is made.
 */
export function acquireLock(dir: string, command: string): Lock {
  const file = join(dir, 'lock');
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  let tookOverFrom: LockHolder | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return {
        tookOverFrom,
        release: () => {
          if (released) return;
          released = true;
          const now = readHolder(file);
          if (now?.holder?.pid === me.pid && now.holder.since === me.since) unlinkSync(file);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = readHolder(file);
    if (!seen) continue;
    const holder = seen.holder;
    if (holder && (holder.host !== me.host || alive(holder.pid))) {
      throw new LockedError(holder, holder.host !== me.host ? `wait for it to finish, or if that machine's run is gone for good, delete ${file}` : `wait for it to finish (skylift status shows progress), or stop that process first`);
    }
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readHolder(aside);
    if (moved && moved.text !== seen.text) {
      // Another process replaced the stale lock between our read and our rename: it is theirs.
      renameSync(aside, file);
      continue;
    }
    unlinkSync(aside);
    tookOverFrom = holder ?? { pid: 0, host: me.host, command: 'unknown', since: 'unknown' };
  }
  throw new Error(`could not take the lock ${file}: it keeps changing hands`);
}
