import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { JournalRecord, type NewJournalRecord } from '../../../shared/schema/journal.js';
import { dataDir } from '../paths.js';

/** Where a migration keeps its journal, its copy of the plan and its lock. */
export function migrationDir(id: string, home = dataDir()): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw Object.assign(new Error(`"${id}" is not a migration id`), { hint: 'migration ids are the plan\'s migration name: lower-case letters, digits and hyphens' });
  return join(home, 'migrations', id);
}

/** Parses journal text; a last line cut short by a crash is ignored (and cut off before the next append). */
export function parseJournal(text: string): { records: JournalRecord[]; validBytes: number } {
  const records: JournalRecord[] = [];
  let offset = 0;
  for (;;) {
    const end = text.indexOf('\n', offset);
    if (end < 0) break;
    const line = text.slice(offset, end);
    let parsed: JournalRecord;
    try {
      parsed = JournalRecord.parse(JSON.parse(line));
    } catch (err) {
      // Only the very last line may be torn; damage before it is not something to guess past.
      if (text.indexOf('\n', end + 1) < 0 && text.slice(end + 1).trim() === '') break;
      throw Object.assign(new Error(`journal line ${records.length + 1} is damaged: ${(err as Error).message}`), { hint: 'the journal was edited or the disk is failing; keep a copy and run skylift status to see what is known' });
    }
    records.push(parsed);
    offset = end + 1;
  }
  return { records, validBytes: Buffer.byteLength(text.slice(0, offset)) };
}

/** An append-only journal: every record is written and fsync'd before the caller goes on. */
export class Journal {
  readonly records: JournalRecord[];
  private fd: number;
  private seq: number;

  private constructor(
    readonly file: string,
    records: JournalRecord[],
    fd: number,
  ) {
    this.records = records;
    this.fd = fd;
    this.seq = records.reduce((n, r) => Math.max(n, r.seq), -1) + 1;
  }

  static read(dir: string): JournalRecord[] {
    try {
      return parseJournal(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).records;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Opens (or creates) a migration's journal for writing; only the lock holder may. */
  static open(dir: string): Journal {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'journal.jsonl');
    const fd = openSync(file, 'a+', 0o600);
    const text = readFileSync(file, 'utf8');
    const { records, validBytes } = parseJournal(text);
    if (validBytes < Buffer.byteLength(text)) {
      ftruncateSync(fd, validBytes);
      fsyncSync(fd);
    }
    return new Journal(file, records, fd);
  }

  append(record: NewJournalRecord): JournalRecord {
    const full = JournalRecord.parse({ ...record, seq: this.seq, at: new Date().toISOString() });
    writeSync(this.fd, `${JSON.stringify(full)}\n`);
    fsyncSync(this.fd);
    this.seq++;
    this.records.push(full);
    return full;
  }

  close(): void {
    closeSync(this.fd);
  }
}
