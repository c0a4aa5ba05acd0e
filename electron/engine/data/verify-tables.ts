import { CHECKSUM_METHOD, compareChecksums, parseChecksumRow, tableLabel, type ChecksumRow, type SourceTable } from '../../../shared/data/checksums.js';
import type { Endpoints, VerifyReport } from '../../../shared/schema/data.js';
import type { ProgressMeter } from './progress-meter.js';

/** The target side of a table verification: one connection, one checksum statement at a time. */
export interface ChecksumTarget {
  version: string;
  /** The checksum row of one statement, or null when the target lacks the table. */
  row(sql: string): Promise<readonly unknown[] | null>;
  close(): Promise<void>;
}

/**
 * Runs the same checksum statements on both sides at once — all of them in one go on the box,
 * table by table on the target (with progress) — and reports every table, naming mismatches.
 */
export async function verifyTables(opts: {
  engine: 'postgres' | 'mysql';
  database: string;
  tables: SourceTable[];
  sql: string[];
  meter: ProgressMeter;
  source: () => Promise<string[][]>;
  target: () => Promise<ChecksumTarget>;
  endpoints: Omit<Endpoints, 'targetVersion'>;
}): Promise<VerifyReport> {
  const { meter, sql } = opts;
  meter.setTotals(null, opts.tables.length);
  meter.enter('verify');
  const onTarget = async (): Promise<{ rows: ChecksumRow[]; version: string }> => {
    const side = await opts.target();
    try {
      const rows: ChecksumRow[] = [];
      for (const [i, text] of sql.entries()) {
        meter.item(i, tableLabel(opts.tables[i]!));
        const row = await side.row(text);
        const parsed = row && parseChecksumRow(row as (string | number | null)[]);
        if (parsed) rows.push(parsed);
      }
      meter.item(sql.length);
      return { rows, version: side.version };
    } finally {
      await side.close();
    }
  };
  const [sourceRows, target] = await Promise.all([sql.length ? opts.source() : Promise.resolve([]), onTarget()]);
  const { checks, mismatches } = compareChecksums(
    opts.tables,
    sourceRows.map((r) => parseChecksumRow(r)).filter((r): r is ChecksumRow => r !== null),
    target.rows,
  );
  meter.enter('done');
  return {
    engine: opts.engine,
    database: opts.database,
    endpoints: { ...opts.endpoints, targetVersion: target.version },
    method: CHECKSUM_METHOD,
    tables: checks,
    redis: [],
    ok: mismatches.length === 0,
    mismatches,
  };
}
