import type mysql from 'mysql2/promise';
import { MYSQL_SESSION_SQL, mysqlChecksumSql } from '../../../shared/data/checksums.js';
import { checkMysqlName, mysqlIdent } from '../../../shared/data/identifiers.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { DataEvent, MysqlSource, VerifyReport } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { sourceLabel } from './copy-common.js';
import { mysqlSourceFacts, mysqlSourceQuery, type MysqlSourceFacts } from './mysql-source.js';
import { connectMysql, mysqlStatementError } from './mysql-target.js';
import { ProgressMeter } from './progress-meter.js';
import { verifyTables, type ChecksumTarget } from './verify-tables.js';

export interface MysqlVerifyOptions {
  session: SshSession;
  source: MysqlSource;
  sourcePassword?: string;
  target: TargetUrl;
  facts?: MysqlSourceFacts;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
  meter?: ProgressMeter;
}

const ER_NO_SUCH_TABLE = 1146;

async function mysqlTarget(url: TargetUrl, database: string): Promise<ChecksumTarget> {
  const conn = await connectMysql(url);
  try {
    await conn.query(`use ${mysqlIdent(database)}`);
    await conn.query(MYSQL_SESSION_SQL);
  } catch (err) {
    await conn.end().catch(() => undefined);
    throw mysqlStatementError(err, `use ${database}`, url) ?? err;
  }
  const [[v]] = await conn.query<mysql.RowDataPacket[]>('select version() as v');
  return {
    version: String(v?.v ?? '?'),
    async row(sql) {
      try {
        const [rows] = await conn.query<mysql.RowDataPacket[][]>({ sql, rowsAsArray: true });
        return (rows[0] ?? null) as unknown[] | null;
      } catch (err) {
        if ((err as { errno?: number }).errno === ER_NO_SUCH_TABLE) return null;
        throw mysqlStatementError(err, sql, url) ?? err;
      }
    },
    close: () => conn.end().catch(() => undefined),
  };
}

/** Counts and checksums every table on both sides with the same SQL (see shared/data/checksums). */
export async function verifyMysql(opts: MysqlVerifyOptions): Promise<VerifyReport> {
  const { session, source, target: url } = opts;
  const access = { source, password: opts.sourcePassword };
  const database = checkMysqlName(url.database ?? source.database);
  const facts = opts.facts ?? (await mysqlSourceFacts(session, access, opts.signal));
  const sql = facts.tables.map((t, i) => mysqlChecksumSql(t, i));
  return verifyTables({
    engine: 'mysql',
    database: source.database,
    tables: facts.tables,
    sql,
    meter: opts.meter ?? new ProgressMeter('mysql', 'tables', opts.onEvent ?? (() => undefined)),
    source: () => mysqlSourceQuery(session, access, facts, `${MYSQL_SESSION_SQL};\n${sql.join('\n')}`, opts.signal),
    target: () => mysqlTarget(url, database),
    endpoints: {
      source: sourceLabel(facts.server.flavor === 'mariadb' ? 'MariaDB' : 'MySQL', facts.server.version.text, session.label, source.port),
      target: url.masked,
      sourceVersion: facts.server.text,
      dumpClient: null,
    },
  });
}
