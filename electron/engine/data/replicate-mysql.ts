import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';
import { DataError } from '../../../shared/data/data-error.js';
import { cancelled, sleep } from './copy-common.js';
import { copyMysql } from './copy-mysql.js';
import { boxBinlogPosition, boxReplicationFacts, ensureReplicationUser } from './mysql-replication-box.js';
import { mysqlReplicationChecks } from './mysql-replication-checks.js';
import { broken, checkSource, context, DEFAULT_USER, statusOf, withTarget, type Context } from './mysql-replication-common.js';
import { CoordinatesTap, formatCoordinates, sourceDataFlag } from './mysql-replication-coordinates.js';
import { callRds, replicaStatus, type ReplicaState } from './mysql-replication-target.js';
import type { MysqlReplicationOptions, MysqlReplicationStart, MysqlReplicationStartOptions, MysqlReplicationStatus } from './mysql-replication-types.js';
import { mysqlSourceFacts } from './mysql-source.js';

/**
 * Binlog replication from the box into RDS for MySQL/MariaDB: a dump carrying its binary-log
 * coordinates, restored through the streamed copy, then RDS's `mysql.rds_set_external_master`
 * and `rds_start_replication` make the target follow the box until the cutover, where
 * `finishMysqlReplication` waits for it to catch up, compares row counts and detaches it.
 */

export { finishMysqlReplication } from './mysql-replication-finish.js';
export type * from './mysql-replication-types.js';

const SET_SOURCE = ['rds_set_external_master', 'rds_set_external_source'];
/** Errors of the replica's IO thread that mean it cannot reach or log in to the box (access denied, CR_CONN_HOST_ERROR, CR_UNKNOWN_HOST, lost, TLS, auth plugin). */
const UNREACHABLE = new Set([1045, 2003, 2005, 2013, 2026, 2061]);
/** ER_SOURCE_FATAL_ERROR_READING_BINLOG: the box no longer has the binary log the target needs (purged, or a wrong position). */
const BINLOG_GONE = 1236;

/** Waits until the target's IO thread is connected to the box; fails with its error when it cannot reach, log in or read. */
async function awaitConnected(ctx: Context, conn: mysql.Connection, address: { host: string; port: number }, timeoutMs: number): Promise<ReplicaState> {
  const deadline = Date.now() + timeoutMs;
  let state = await replicaStatus(conn, ctx.opts.target);
  while (!state.ioRunning) {
    cancelled(ctx.opts.signal);
    if (state.lastSqlError) throw broken(state);
    const io = state.lastIoError;
    if (io?.errno === BINLOG_GONE) {
      throw new DataError(
        'REPLICATION_BROKEN',
        `the box cannot send the target the binary log it needs: error ${io.errno}: ${io.message}`,
        'keep binary logs on the box longer (expire_logs_days / binlog_expire_logs_seconds), then start over: CALL mysql.rds_reset_external_master on the target and start replication again with --replace',
      );
    }
    if ((io && UNREACHABLE.has(io.errno)) || Date.now() > deadline) {
      throw new DataError(
        'REPLICATION_UNREACHABLE',
        `the target cannot replicate from ${address.host}:${address.port}${io ? `: error ${io.errno}: ${io.message}` : ` (its IO thread is ${state.ioState} after ${Math.round(timeoutMs / 1000)} s)`}`,
        `let the target reach ${address.host}:${address.port} — the box's firewall must admit the target's egress address (or use a tunnel), and bind_address must not be loopback only (an access error means the box's replication account changed: reset replication on the target and start again); replication stays configured: run again once it can connect`,
      );
    }
    await sleep(ctx.pollMs, ctx.opts.signal);
    state = await replicaStatus(conn, ctx.opts.target);
  }
  return state;
}

/**
 * Makes the target a replica of the box: checks what replication needs, creates the replication
 * account on the box (fresh password, handed only to the target), copies the database with its
 * binary-log coordinates, and points RDS at the box from there. Run again after an
 * interruption: a target already replicating from this box is only (re)started, never re-copied.
 */
export async function startMysqlReplication(opts: MysqlReplicationStartOptions): Promise<MysqlReplicationStart> {
  const ctx = context(opts);
  const { session, target: url, sourceAddress } = opts;
  const user = opts.replicationUser ?? DEFAULT_USER;
  const host = opts.replicationHost ?? '%';
  const connectTimeoutMs = opts.connectTimeoutMs ?? 60_000;
  const facts = await mysqlSourceFacts(session, ctx.access, opts.signal);
  const box = { session, access: ctx.access, facts, signal: opts.signal };

  return withTarget(url, async (conn) => {
    const state = await replicaStatus(conn, url);
    if (state.configured) {
      checkSource(state, sourceAddress);
      if (state.lastSqlError) throw broken(state);
      if (!state.ioRunning || !state.sqlRunning) {
        ctx.meter.notice('info', `replication from ${sourceAddress.host}:${sourceAddress.port} is configured but stopped: starting it again (nothing is copied again)`);
        await callRds(conn, url, ['rds_start_replication']);
      }
      const running = await awaitConnected(ctx, conn, sourceAddress, connectTimeoutMs);
      const status = statusOf(ctx, running, await boxBinlogPosition(box));
      return { engine: 'mysql', database: ctx.database, created: false, coordinates: null, copy: null, tables: facts.tables.length, synced: true, replicationUser: user, warnings: [], status };
    }

    const [[row]] = await conn.query<mysql.RowDataPacket[]>('select @@server_id as id');
    const [gtid] = await conn.query<mysql.RowDataPacket[]>("show global variables like 'gtid_mode'");
    const boxFacts = await boxReplicationFacts(box);
    const checks = mysqlReplicationChecks(boxFacts, {
      label: session.label,
      database: ctx.source.database,
      targetDatabase: ctx.database,
      targetServerId: Number(row?.id ?? 0),
      targetGtidMode: gtid[0] ? String(gtid[0].Value) : null,
      sourceHost: sourceAddress.host,
      hasEvents: facts.catalog.programs.some((p) => p.kind === 'EVENT'),
    });
    if (checks.errors.length) {
      throw new DataError('REPLICATION_PRECONDITION', `binlog replication cannot start: ${checks.errors.join('; ')}`, 'fix what is named above (or copy with the dump path, which needs none of it but freezes writes for the whole copy), then run again');
    }
    for (const w of checks.warnings) ctx.meter.notice('warn', w);
    if (!facts.dumpClient) throw new DataError('DUMP_CLIENT_MISSING', `no mysqldump or mariadb-dump on ${session.label}`, 'install the client package of the server on the box (Debian/Ubuntu: mariadb-client or mysql-client)');
    // MySQL 8 always offers TLS (and 8.4 dropped have_ssl); older servers and MariaDB say so in have_ssl.
    const haveSsl = boxFacts.vars.have_ssl;
    const tls = opts.tls ?? (haveSsl === undefined ? facts.server.flavor === 'mysql' && facts.server.version.key[0]! >= 8 : haveSsl === 'YES');

    // A new password each attempt: it exists only in this call and in the target's replication settings.
    const password = randomBytes(24).toString('base64url');
    await ensureReplicationUser(box, user, host, password, tls);
    cancelled(opts.signal);

    const tap = new CoordinatesTap();
    const copy = await copyMysql({
      session,
      source: ctx.source,
      sourcePassword: opts.sourcePassword,
      target: url,
      replace: opts.replace,
      myisam: opts.myisam,
      verify: false,
      dumpFlags: [sourceDataFlag(facts.dumpClient)],
      onDumpChunk: (chunk) => tap.push(chunk),
      onEvent: opts.onEvent,
      signal: opts.signal,
    });
    const at = tap.coordinates;
    if (!at) throw new DataError('DUMP_FAILED', `the dump from ${session.label} carried no binary-log position`, 'check that binary logging is on and that the login may run SHOW MASTER STATUS (RELOAD and REPLICATION CLIENT / BINLOG MONITOR), then run again with --replace');
    cancelled(opts.signal);

    await callRds(conn, url, SET_SOURCE, [sourceAddress.host, sourceAddress.port, user, password, at.file, at.position, tls ? 1 : 0], [password]);
    await callRds(conn, url, ['rds_start_replication']);
    ctx.meter.notice('info', `the target replicates from ${sourceAddress.host}:${sourceAddress.port} starting at ${formatCoordinates(at)}`);
    const running = await awaitConnected(ctx, conn, sourceAddress, connectTimeoutMs);
    const status = statusOf(ctx, running, await boxBinlogPosition(box));
    return { engine: 'mysql', database: ctx.database, created: true, coordinates: at, copy, tables: copy.items, synced: true, replicationUser: user, warnings: checks.warnings, status };
  });
}

/** Where the target stands against the box: threads running, lag in seconds and bytes, the last error. */
export async function mysqlReplicationStatus(opts: MysqlReplicationOptions): Promise<MysqlReplicationStatus> {
  const ctx = context(opts);
  const box = async () => boxBinlogPosition({ session: opts.session, access: ctx.access, facts: await mysqlSourceFacts(opts.session, ctx.access, opts.signal), signal: opts.signal });
  const [state, position] = await Promise.all([withTarget(opts.target, (conn) => replicaStatus(conn, opts.target)), box()]);
  if (state.configured) checkSource(state, opts.sourceAddress);
  return statusOf(ctx, state, position);
}
