import type pg from 'pg';
import { DataError, isDataError } from '../../../shared/data/data-error.js';
import { checkPgName, pgIdent } from '../../../shared/data/identifiers.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { postgresRules, postgresVersion, type Version } from '../../../shared/data/versions.js';
import type { CopyResult, DataEvent, PostgresSource, VersionFinding } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { readAhead, runDump, type DumpStream } from './dump-stream.js';
import { CopyIn } from './pg-copy-in.js';
import { PgDumpSplitter, type PgDumpItem } from './pg-dump-splitter.js';
import { checkPgExtensions, clearPgDatabase, createPgExtensions, createPgRoles, pgExistingObjects } from './pg-prepare.js';
import { chooseDumpClient, pgSourceFacts, startPgDump, type PgSourceFacts } from './pg-source.js';
import { connectPg, pgServerVersion, pgStatementError } from './pg-target.js';
import { ProgressMeter } from './progress-meter.js';
import { cancelled, failWith, sourceLabel, versionFailure } from './copy-common.js';
import { verifyPostgres } from './verify-postgres.js';

export interface PgCopyOptions {
  session: SshSession;
  source: PostgresSource;
  target: TargetUrl;
  /** Clear a target database that already holds objects (inside the copy's transaction). */
  replace?: boolean;
  /** Compare every table afterwards (default true). */
  verify?: boolean;
  /** Tables, types, functions… without their rows: what logical replication needs before it starts. */
  schemaOnly?: boolean;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
}

/** The maintenance databases to create the target database from, in order of preference. */
const MAINTENANCE_DBS = ['postgres', 'template1'];

interface TargetState {
  client: pg.Client | null;
  version: Version;
  /** Set when the database does not exist yet (and this user may create it). */
  admin: pg.Client | null;
}

async function openTarget(url: TargetUrl, database: string): Promise<TargetState> {
  const client = await connectPg(url, database, { missingOk: true });
  if (client) return { client, admin: null, version: postgresVersion(await pgServerVersion(client))! };
  let admin: pg.Client | null = null;
  for (const db of MAINTENANCE_DBS) {
    admin = await connectPg(url, db, { missingOk: true });
    if (admin) break;
  }
  if (!admin) throw new DataError('TARGET_PERMISSION', `the target has no database "${database}" and no maintenance database to create it from`, 'create the database on the target first');
  const r = await admin.query<{ ok: boolean }>('select rolcreatedb or rolsuper as ok from pg_roles where rolname = current_user');
  if (r.rows[0]?.ok !== true) {
    await admin.end();
    throw new DataError('TARGET_PERMISSION', `the target has no database "${database}" and ${url.user ?? 'this user'} may not create one`, 'create the database first (owned by the master user), or use a user with CREATEDB (the RDS master user has it)');
  }
  return { client: null, admin, version: postgresVersion(await pgServerVersion(admin))! };
}

/** `CREATE SCHEMA name;` as pg_dump writes it → the name, unquoted. */
function createdSchema(sql: string): string | null {
  const m = /^CREATE SCHEMA ("(?:[^"]|"")+"|[^\s;"]+);$/.exec(sql.trim());
  if (!m) return null;
  return m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!;
}

const copyTable = (sql: string): string => /^COPY\s+(.+?)\s+(\(|FROM\b)/i.exec(sql.trim())?.[1] ?? '?';

/** Runs the dump's items on the target, inside the open transaction. */
class Restorer {
  private copy: CopyIn | null = null;
  private current = '';
  tablesDone = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly url: TargetUrl,
    private readonly skipSchemas: Set<string>,
    /** pg_dump newer than the target: tolerate session settings the target lacks. */
    private readonly lenientSet: boolean,
    private readonly meter: ProgressMeter,
  ) {}

  async run(item: PgDumpItem): Promise<void> {
    try {
      await this.apply(item);
    } catch (err) {
      throw pgStatementError(err, this.current, this.url) ?? err;
    }
  }

  private async apply(item: PgDumpItem): Promise<void> {
    switch (item.kind) {
      case 'meta':
        // pg_dump ≥ 15.14/16.10/17.6 fences the script with \restrict … \unrestrict (a psql guard).
        if (/^\\(un)?restrict\b/.test(item.text)) return;
        throw new DataError('DUMP_FAILED', `the dump holds a psql command Skylift does not run: ${item.text.slice(0, 40)}`, 'report this dump format to the Skylift maintainers');
      case 'copy-data':
        if (!this.copy) throw new DataError('DUMP_FAILED', 'table data arrived outside a COPY', 'run the copy again');
        return this.copy.write(item.data);
      case 'copy-end': {
        const copy = this.copy;
        this.copy = null;
        await copy?.end();
        this.tablesDone++;
        this.meter.item(this.tablesDone, this.current);
        return;
      }
      case 'sql':
        return this.statement(item.text);
    }
  }

  private async statement(sql: string): Promise<void> {
    const text = sql.trim();
    this.current = text;
    // The extension exists already (created first, by this user); its comment belongs to its owner.
    if (/^COMMENT ON EXTENSION\b/i.test(text)) return;
    const schema = createdSchema(text);
    if (schema !== null && this.skipSchemas.has(schema)) return;
    if (/^COPY\b/i.test(text)) {
      this.current = copyTable(text);
      this.meter.item(this.tablesDone, this.current);
      this.copy = new CopyIn(text);
      this.client.query(this.copy);
      await this.copy.ready;
      return;
    }
    if (this.lenientSet && /^SET\s/i.test(text)) return this.tolerate(text, '42704', 'the target does not know this setting');
    // Needs membership in that role: granted for roles this copy created, not for the target's own.
    if (/^ALTER DEFAULT PRIVILEGES FOR ROLE\s/i.test(text)) return this.tolerate(text, '42501', 'the target user is not a member of that role; grant it, then re-run this statement by hand');
    await this.client.query(text);
  }

  /** Runs a statement that may fail with `code` without failing the copy (a savepoint keeps the transaction). */
  private async tolerate(text: string, code: string, why: string): Promise<void> {
    await this.client.query('savepoint skylift_try');
    try {
      await this.client.query(text);
      await this.client.query('release savepoint skylift_try');
    } catch (err) {
      if ((err as { code?: string }).code !== code) throw err;
      await this.client.query('rollback to savepoint skylift_try');
      this.meter.notice('warn', `skipped "${text.slice(0, 80)}": ${why}`);
    }
  }

  /** Makes the server abort a COPY in flight (the transaction then rolls back). */
  async abort(): Promise<void> {
    await this.copy?.fail('the copy was stopped');
  }
}

async function dropDatabase(url: TargetUrl, database: string): Promise<boolean> {
  for (const db of MAINTENANCE_DBS) {
    const admin = await connectPg(url, db, { missingOk: true }).catch(() => null);
    if (!admin) continue;
    try {
      await admin.query(`drop database if exists ${pgIdent(database)}`);
      return true;
    } catch {
      return false;
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  return false;
}

/**
 * Streams `pg_dump` from the box into the target database, in one transaction: a failure at any
 * point (the SSH connection dropping included) rolls everything back, and a database this copy
 * created is dropped again. Objects end up owned by the target user (on RDS, the master user).
 */
export async function copyPostgres(opts: PgCopyOptions): Promise<CopyResult> {
  const started = Date.now();
  const { session, source, target: url } = opts;
  const emit = opts.onEvent ?? (() => undefined);
  const meter = new ProgressMeter('postgres', 'tables', emit);
  const database = checkPgName(url.database ?? source.database);
  meter.enter('check');
  // Both sides at once: the box's facts and the target's state.
  const target = openTarget(url, database);
  target.catch(() => undefined);
  const facts = await pgSourceFacts(session, source, opts.signal).catch(async (err: unknown) => {
    await target.then((t) => Promise.all([t.client?.end(), t.admin?.end()]), () => undefined);
    throw err;
  });
  const state = await target;
  let client = state.client;
  let createdDb = false;
  let dump: DumpStream | null = null;
  let restorer: Restorer | null = null;
  let began = false;
  const findings: VersionFinding[] = [];
  let result: CopyResult;
  try {
    const dumpClient = chooseDumpClient(facts);
    if (!dumpClient) {
      throw new DataError('DUMP_CLIENT_MISSING', `no pg_dump on ${session.label}`, `install the client of the server's version on the box (Debian/Ubuntu: postgresql-client-${facts.version.key.join('.')})`);
    }
    findings.push(...postgresRules({ server: facts.version, dumpClient: dumpClient.version, target: state.version }));
    versionFailure(findings, meter);
    await checkPgExtensions(client ?? state.admin!, facts);
    if (client && !opts.replace) {
      const existing = await pgExistingObjects(client);
      if (existing.length) {
        throw new DataError('TARGET_NOT_EMPTY', `the target database "${database}" already holds data (${existing.join(', ')}…)`, 'copy into an empty database, or pass --replace to drop its contents first (inside the copy\'s transaction: a failed copy keeps them)');
      }
    }
    cancelled(opts.signal);

    // pg_dump starts while the target is prepared; its output waits (SSH flow control) until read.
    dump = runDump((signal) => startPgDump(session, source, dumpClient.path, signal, opts.schemaOnly), 'pg_dump', session.label);
    meter.enter('prepare');
    if (!client) {
      await state.admin!.query(`create database ${pgIdent(database)} template template0 encoding 'UTF8'`);
      createdDb = true;
      await state.admin!.end();
      state.admin = null;
      client = await connectPg(url, database);
    }
    const c = client!;
    await c.query('begin');
    began = true;
    if (opts.replace) await clearPgDatabase(c);
    const roles = await createPgRoles(c, facts.roles);
    const ext = await createPgExtensions(c, facts);
    if (roles.length) meter.notice('info', `created role${roles.length > 1 ? 's' : ''} ${roles.join(', ')} (without login) for the dump's grants`);

    meter.setTotals(facts.tables.reduce((n, t) => n + t.bytes, 0) || null, facts.tables.length);
    meter.enter('copy');
    restorer = new Restorer(c, url, ext.schemas, findings.some((f) => f.rule === 'dump-client-newer-than-target'), meter);
    const stream = dump;
    const stopOnAbort = () => void stream.stop();
    opts.signal?.addEventListener('abort', stopOnAbort, { once: true });
    const splitter = new PgDumpSplitter();
    try {
      for await (const chunk of readAhead(stream.stdout)) {
        meter.addBytes(chunk.length);
        for (const item of splitter.push(chunk)) await restorer.run(item);
      }
      cancelled(opts.signal);
      await stream.finish();
      if (splitter.incomplete) throw new DataError('DUMP_FAILED', `the dump from ${session.label} ended early`, 'run the copy again');
    } finally {
      opts.signal?.removeEventListener('abort', stopOnAbort);
    }
    await c.query('commit');
    meter.item(restorer.tablesDone);
    meter.enter('done');
    await c.end();
    client = null;

    result = {
      engine: 'postgres',
      database: source.database,
      targetDatabase: database,
      endpoints: {
        source: sourceLabel('PostgreSQL', facts.version.text, session.label, source.port),
        target: url.masked,
        sourceVersion: facts.version.text,
        targetVersion: state.version.text,
        dumpClient: `pg_dump ${dumpClient.version.text}`,
      },
      bytes: meter.totalBytes,
      items: restorer.tablesDone,
      durationMs: Date.now() - started,
      created: { database: createdDb, roles, extensions: ext.extensions },
      replaced: Boolean(opts.replace),
      findings,
      warnings: findings.filter((f) => f.level === 'warn').map((f) => f.message),
      verify: null,
    };
  } catch (err) {
    if (!began && !createdDb) {
      // Nothing was written: the target is as it was.
      await dump?.stop();
      await client?.end().catch(() => undefined);
      await state.admin?.end().catch(() => undefined);
      throw failWith(err, opts.signal, true, (e) => pgStatementError(e, '', url));
    }
    meter.enter('cleanup');
    const dumpFailure = (await dump?.stop()) ?? null;
    await restorer?.abort().catch(() => undefined);
    let clean = true;
    if (client) {
      await client.query('rollback').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
    await state.admin?.end().catch(() => undefined);
    if (createdDb) clean = await dropDatabase(url, database);
    throw failWith(isDataError(err, 'CANCELLED') ? err : (dumpFailure ?? err), opts.signal, clean, (e) => pgStatementError(e, '', url));
  }
  // The copy is complete: a failed verification reports a difference, it never undoes the copy.
  if (opts.verify !== false) result.verify = await verifyPostgres({ session, source, target: url, facts, onEvent: emit, signal: opts.signal, meter });
  return result;
}
