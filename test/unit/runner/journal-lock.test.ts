/** The journal survives a torn last line; the lock admits one writer and takes over a dead one's. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, parseJournal } from '../../../electron/engine/runner/journal.js';
import { acquireLock, LockedError } from '../../../electron/engine/runner/lock.js';

describe('journal', () => {
  it('drops a last line cut short by a crash, and appends after the last whole record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skylift-journal-'));
    const j = Journal.open(dir);
    j.append({ type: 'note', step: null, key: null, message: 'one' });
    j.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"seq":1,"at":"2026-');
    const again = Journal.open(dir);
    expect(again.records).toHaveLength(1);
    again.append({ type: 'note', step: null, key: null, message: 'two' });
    again.close();
    expect(parseJournal(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).records.map((r) => r.seq)).toEqual([0, 1]);
  });

  it('refuses damage before the last line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skylift-journal-'));
    writeFileSync(join(dir, 'journal.jsonl'), 'garbage\n{"seq":0}\n');
    expect(() => Journal.read(dir)).toThrow(/journal line 1 is damaged/);
  });
});

describe('lock', () => {
  it('refuses a second writer, naming the first; takes over a lock whose process is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skylift-lock-'));
    const first = acquireLock(dir, 'skylift apply');
    expect(() => acquireLock(dir, 'skylift rollback')).toThrow(LockedError);
    try {
      acquireLock(dir, 'skylift rollback');
    } catch (err) {
      expect((err as LockedError).holder).toMatchObject({ pid: process.pid, command: 'skylift apply' });
    }
    first.release();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: Number(dead), host: hostname(), command: 'skylift apply', since: 'earlier' }));
    const taken = acquireLock(dir, 'skylift apply');
    expect(taken.tookOverFrom?.pid).toBe(Number(dead));
    taken.release();
  });
});
