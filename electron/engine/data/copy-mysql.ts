import type mysql from 'mysql2/promise';
import { DataError } from '../../../shared/data/data-error.js';
import { checkMysqlName, mysqlIdent } from '../../../shared/data/identifiers.js';
import { upgradeChecksApply } from '../../../shared/data/mysql-upgrade-checks.js';
import { isNonTransactionalEngine, rewriteDefiners, stripRemovedSqlModes } from '../../../shared/data/mysql-rewrite.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { mysqlRules, mysqlVersion } from '../../../shared/data/versions.js';
import type { CopyResult, DataEvent, MysqlSource, VersionFinding } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { cancelled, failWith, sourceLabel, versionFailure } from './copy-common.js';
import { readAhead, runDump, type DumpStream } from './dump-stream.js';
import { MysqlDumpSplitter } from './mysql-dump-splitter.js';
import { checkStoredPrograms, createMysqlDatabase, dropMysqlDatabase, mysqlDatabase, mysqlExistingObjects } from './mysql-prepare.js';
import { mysqlDumpFlags, mysqlSourceFacts, mysqlSourceUpgradeFindings, startMysqlDump, type MysqlSourceFacts } from './mysql-source.js';
import { connectMysql, mysqlStatementError } from './mysql-target.js';
import { ProgressMeter } from './progress-meter.js';
import { verifyMysql } from './verify-mysql.js';

export interface MysqlCopyOptions {
  session: SshSession;
  source: MysqlSource;
  /** For `source.user`, when the box's client needs one. */
  sourcePassword?: string;
  target: TargetUrl;
  replace?: boolean;
  /** What to do with non-transactional (MyISAM…) tables; required when the source has any. */
  myisam?: 'lock' | 'accept';
  verify?: boolean;
  /** More dump options (binlog replication adds --master-data=2 / --source-data=2). */
  dumpFlags?: readonly string[];
  /** Sees the dump's raw bytes as they arrive (binlog replication reads its coordinates there). */
  onDumpChunk?: (chunk: Buffer) => void;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
}

const productName = (facts: MysqlSourceFacts): string => (facts.server.flavor === 'mariadb' ? 'MariaDB' : 'MySQL');
/** Server answers mysqldump's conditional comments can reduce to nothing (`/*!80016 … *\/` on an older server). */
const ER_EMPTY_QUERY = 1065;
const CREATE_TABLE = /^(?:\/\*!\d+\s*)?CREATE\s+TABLE\s+`((?:[^`]|``)+)`/i;

/** Checks that need the target: versions, upgrade incompatibilities, MyISAM choice. */
async function findings(opts: MysqlCopyOptions, facts: MysqlSourceFacts, targetVersionText: string, meter: ProgressMeter): Promise<{ list: VersionFinding[]; toMysql8: boolean }> {
  const target = mysqlVersion(targetVersionText)!;
  const list: VersionFinding[] = [];
  if (!facts.dumpClient) {
    throw new DataError('DUMP_CLIENT_MISSING', `no mysqldump or mariadb-dump on ${opts.session.label}`, 'install the client package of the server on the box (Debian/Ubuntu: mariadb-client or mysql-client)');
  }
  list.push(...mysqlRules({ server: facts.server, dumpClient: facts.dumpClient, target }));
  const toMysql8 = upgradeChecksApply(facts.server, target);
  if (toMysql8) list.push(...(await mysqlSourceUpgradeFindings(opts.session, { source: opts.source, password: opts.sourcePassword }, facts, opts.signal)));
  const loose = facts.tables.filter((t) => isNonTransactionalEngine(t.engine));
  if (loose.length) {
    const names = loose.map((t) => `${t.name} (${t.engine})`).join(', ');
    if (!opts.myisam) {
      throw new DataError('MYISAM_CHOICE', `the source has tables without transactions, which a dump cannot snapshot consistently: ${names}`, 'choose --myisam lock (writes to the database wait while it is dumped) or --myisam accept (no lock; those tables may be caught mid-change)');
    }
    list.push({ level: 'warn', rule: 'myisam', message: opts.myisam === 'lock' ? `the database is read-locked while it is dumped, for ${names}` : `dumped without a lock as chosen: ${names} may be caught mid-change` });
  }
  versionFailure(list, meter);
  return { list, toMysql8 };
}

/**
 * Streams `mysqldump`/`mariadb-dump --single-transaction --routines --triggers --events` from
 * the box into the target through the driver, definers rewritten to the target user (RDS has no
 * SUPER). DDL commits as it goes in MySQL, so a failure drops the database the copy created
 * (or empties one that was there), leaving the target as clean as before.
 */
export async function copyMysql(opts: MysqlCopyOptions): Promise<CopyResult> {
  const started = Date.now();
  const { session, source, target: url } = opts;
  const access = { source, password: opts.sourcePassword };
  const emit = opts.onEvent ?? (() => undefined);
  const meter = new ProgressMeter('mysql', 'tables', emit);
  const database = checkMysqlName(url.database ?? source.database);
  meter.enter('check');
  // Both sides at once: the box's facts and the target's connection.
  const connecting = connectMysql(url);
  connecting.catch(() => undefined);
  const facts = await mysqlSourceFacts(session, access, opts.signal).catch(async (err: unknown) => {
    await connecting.then((c) => c.end(), () => undefined);
    throw err;
  });
  const conn = await connecting;
  let dump: DumpStream | null = null;
  let wrote = false;
  let before: { charset: string; collation: string } | null = null;
  let result: CopyResult;
  try {
    const [[row]] = await conn.query<mysql.RowDataPacket[]>('select version() as v');
    const targetVersion = String(row?.v ?? '');
    const checks = await findings(opts, facts, targetVersion, meter);
    before = await mysqlDatabase(conn, database);
    if (before && !opts.replace) {
      const existing = await mysqlExistingObjects(conn, database);
      if (existing.length) {
        throw new DataError('TARGET_NOT_EMPTY', `the target database "${database}" already holds data (${existing.join(', ')}…)`, 'copy into an empty database, or pass --replace to drop its contents first');
      }
    }
    await checkStoredPrograms(conn, facts);
    cancelled(opts.signal);

    // The dump starts while the target is prepared; its output waits (SSH flow control) until read.
    dump = runDump((signal) => startMysqlDump(session, access, facts, [...mysqlDumpFlags(facts, { myisam: opts.myisam ?? null }), ...(opts.dumpFlags ?? [])], signal), facts.dumpClient!.path.split('/').pop()!, session.label, [opts.sourcePassword ?? null]);
    const stream = dump;
    meter.enter('prepare');
    wrote = true;
    if (before && opts.replace) await dropMysqlDatabase(conn, database);
    if (!before || opts.replace) await createMysqlDatabase(conn, database, before?.charset ?? facts.charset, before?.collation ?? facts.collation);
    await conn.query(`use ${mysqlIdent(database)}`);

    meter.setTotals(facts.tables.reduce((n, t) => n + t.bytes, 0) || null, facts.tables.length);
    meter.enter('copy');
    const stopOnAbort = () => void stream.stop();
    opts.signal?.addEventListener('abort', stopOnAbort, { once: true });
    const splitter = new MysqlDumpSplitter();
    let tables = 0;
    let current = '';
    try {
      for await (const chunk of readAhead(stream.stdout)) {
        meter.addBytes(chunk.length);
        opts.onDumpChunk?.(chunk);
        for (const statement of splitter.push(chunk)) {
          const table = CREATE_TABLE.exec(statement);
          if (table) {
            if (current) meter.item(++tables, current);
            current = table[1]!.replace(/``/g, '`');
            meter.item(tables, current);
          }
          // Row data is never rewritten: only DDL carries definers and SQL modes.
          const sql = /^INSERT\s/i.test(statement) ? statement : checks.toMysql8 ? stripRemovedSqlModes(rewriteDefiners(statement)) : rewriteDefiners(statement);
          try {
            await conn.query(sql);
          } catch (err) {
            if ((err as { errno?: number }).errno === ER_EMPTY_QUERY) continue;
            throw mysqlStatementError(err, sql, url) ?? err;
          }
        }
      }
      cancelled(opts.signal);
      await stream.finish();
      if (splitter.incomplete) throw new DataError('DUMP_FAILED', `the dump from ${session.label} ended early`, 'run the copy again');
    } finally {
      opts.signal?.removeEventListener('abort', stopOnAbort);
    }
    if (current) meter.item(++tables);
    meter.enter('done');
    await conn.end();

    result = {
      engine: 'mysql',
      database: source.database,
      targetDatabase: database,
      endpoints: {
        source: sourceLabel(productName(facts), facts.server.version.text, session.label, source.port),
        target: url.masked,
        sourceVersion: facts.server.text,
        targetVersion,
        dumpClient: `${facts.dumpClient!.path.split('/').pop()} ${facts.dumpClient!.version.text}`,
      },
      bytes: meter.totalBytes,
      items: tables,
      durationMs: Date.now() - started,
      created: { database: !before, roles: [], extensions: [] },
      replaced: Boolean(opts.replace && before),
      findings: checks.list,
      warnings: checks.list.filter((f) => f.level === 'warn').map((f) => f.message),
      verify: null,
    };
  } catch (err) {
    if (!wrote) {
      await dump?.stop();
      await conn.end().catch(() => undefined);
      throw failWith(err, opts.signal, true, (e) => mysqlStatementError(e, '', url));
    }
    meter.enter('cleanup');
    const dumpFailure = (await dump?.stop()) ?? null;
    let clean = false;
    // The failed statement's connection may be dead: clean up on a fresh one.
    await conn.end().catch(() => undefined);
    const fresh = await connectMysql(url).catch(() => null);
    if (fresh) {
      try {
        await dropMysqlDatabase(fresh, database);
        // A database that was there before stays, empty (after --replace its old contents are gone).
        if (before) await createMysqlDatabase(fresh, database, before.charset, before.collation);
        clean = true;
      } catch {
        clean = false;
      } finally {
        await fresh.end().catch(() => undefined);
      }
    }
    throw failWith(dumpFailure ?? err, opts.signal, clean, (e) => mysqlStatementError(e, '', url));
  }
  // The copy is complete: a failed verification reports a difference, it never undoes the copy.
  if (opts.verify !== false) result.verify = await verifyMysql({ session, source, sourcePassword: opts.sourcePassword, target: url, facts, onEvent: emit, signal: opts.signal, meter });
  return result;
}
