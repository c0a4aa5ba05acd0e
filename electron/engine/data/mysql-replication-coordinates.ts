/** A place in the box's binary log: the file and the byte offset in it. */
export interface BinlogCoordinates {
  file: string;
  position: number;
}

/**
 * `-- CHANGE MASTER TO MASTER_LOG_FILE='…', MASTER_LOG_POS=…;` (mysqldump 8.0.26+: `CHANGE
 * REPLICATION SOURCE TO SOURCE_LOG_FILE=…`), matched up to its `;` so that a position cut between
 * two chunks is never read short.
 */
const LINE = /CHANGE (?:MASTER|REPLICATION SOURCE) TO (?:MASTER|SOURCE)_LOG_FILE='([^']+)', (?:MASTER|SOURCE)_LOG_POS=(\d+);/;
/** The line comes before any table: a dump that has not shown it in this many bytes never will. */
const HEAD_LIMIT = 64 * 1024;

/**
 * Reads the binary-log coordinates a dump taken with --master-data=2 / --source-data=2 writes
 * (as a comment) near its top: the point where the dump's snapshot ends and replication starts.
 */
export class CoordinatesTap {
  private head = '';
  private done = false;
  coordinates: BinlogCoordinates | null = null;

  push(chunk: Buffer): void {
    if (this.done) return;
    this.head += chunk.toString('latin1', 0, Math.min(chunk.length, HEAD_LIMIT));
    const m = LINE.exec(this.head);
    if (m) this.coordinates = { file: m[1]!, position: Number(m[2]) };
    if (m || this.head.length >= HEAD_LIMIT) {
      this.done = true;
      this.head = '';
    }
  }
}

/** The dump tool's option that writes the coordinates as a comment (--master-data was renamed in MySQL 8.0.26). */
export function sourceDataFlag(client: { flavor: 'mysql' | 'mariadb'; version: { key: number[] } }): string {
  const [major = 0, minor = 0, patch = 0] = client.version.key;
  const renamed = client.flavor === 'mysql' && major * 10000 + minor * 100 + patch >= 80026;
  return renamed ? '--source-data=2' : '--master-data=2';
}

/** Orders two places in one server's binary log: files are numbered `base.000042`, offsets grow within a file. */
export function compareCoordinates(a: BinlogCoordinates, b: BinlogCoordinates): number {
  const seq = (f: string): number => Number(/\.(\d+)$/.exec(f)?.[1] ?? 0);
  return seq(a.file) - seq(b.file) || a.position - b.position;
}

export const formatCoordinates = (c: BinlogCoordinates | null): string => (c ? `${c.file}:${c.position}` : '(none)');
