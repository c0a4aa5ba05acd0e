import { PG_SESSION_SQL, pgChecksumSql } from '../../../shared/data/checksums.js';
import { checkPgName } from '../../../shared/data/identifiers.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { postgresVersion } from '../../../shared/data/versions.js';
import type { DataEvent, PostgresSource, VerifyReport } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { sourceLabel } from './copy-common.js';
import { pgSourceFacts, pgSourceQuery, type PgSourceFacts } from './pg-source.js';
import { connectPg, pgServerVersion, pgStatementError } from './pg-target.js';
import { ProgressMeter } from './progress-meter.js';
import { verifyTables, type ChecksumTarget } from './verify-tables.js';

export interface PgVerifyOptions {
  session: SshSession;
  source: PostgresSource;
  target: TargetUrl;
  /** The source facts when the caller has them (a copy just read them). */
  facts?: PgSourceFacts;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
  meter?: ProgressMeter;
}

async function pgTarget(url: TargetUrl, database: string): Promise<ChecksumTarget> {
  const client = (await connectPg(url, database))!;
  await client.query(PG_SESSION_SQL);
  return {
    version: postgresVersion(await pgServerVersion(client))?.text ?? '?',
    async row(text) {
      try {
        return (await client.query({ text, rowMode: 'array' })).rows[0] as unknown[];
      } catch (err) {
        // A table the target lacks is a finding, not a failure of the verification.
        if ((err as { code?: string }).code === '42P01') return null;
        throw pgStatementError(err, text, url) ?? err;
      }
    },
    close: () => client.end().catch(() => undefined),
  };
}

/**
 * Counts and checksums every table on both sides with the same SQL (see shared/data/checksums):
 * the box through psql over SSH, the target through the driver, at the same time. Data written
 * on the box after the copy started shows up as a mismatch: verify a quiet (or frozen) source.
 */
export async function verifyPostgres(opts: PgVerifyOptions): Promise<VerifyReport> {
  const { session, source, target: url } = opts;
  const database = checkPgName(url.database ?? source.database);
  const facts = opts.facts ?? (await pgSourceFacts(session, source, opts.signal));
  const sql = facts.tables.map((t, i) => pgChecksumSql(t, i));
  return verifyTables({
    engine: 'postgres',
    database: source.database,
    tables: facts.tables,
    sql,
    meter: opts.meter ?? new ProgressMeter('postgres', 'tables', opts.onEvent ?? (() => undefined)),
    source: () => pgSourceQuery(session, source, facts.psql, `${PG_SESSION_SQL}\n${sql.join('\n')}`, opts.signal),
    target: () => pgTarget(url, database),
    endpoints: { source: sourceLabel('PostgreSQL', facts.version.text, session.label, source.port), target: url.masked, sourceVersion: facts.version.text, dumpClient: null },
  });
}
