import type mysql from 'mysql2/promise';
import { DataError } from '../../../shared/data/data-error.js';
import { cancelled, sleep } from './copy-common.js';
import { boxBinlogPosition, boxRowCounts, dropReplicationUser, type BoxAccess } from './mysql-replication-box.js';
import { broken, checkSource, context, DEFAULT_USER, statusOf, withTarget, type Context } from './mysql-replication-common.js';
import { compareCoordinates, formatCoordinates, type BinlogCoordinates } from './mysql-replication-coordinates.js';
import { callRds, replicaStatus, rowCountSql, targetRowCounts } from './mysql-replication-target.js';
import type { MysqlReplicationFinish, MysqlReplicationFinishOptions } from './mysql-replication-types.js';
import { mysqlSourceFacts } from './mysql-source.js';

const RESET_SOURCE = ['rds_reset_external_master', 'rds_reset_external_source'];

/**
 * Polls until the target executed the box's binary log up to where it ends, and the end stays
 * put (writes frozen); REPLICATION_TIMEOUT after `timeoutMs`, with replication left running.
 */
async function drain(ctx: Context, conn: mysql.Connection, box: BoxAccess, timeoutMs: number, warn: (w: string) => void): Promise<BinlogCoordinates> {
  const url = ctx.opts.target;
  const started = Date.now();
  let moved = false;
  for (;;) {
    cancelled(ctx.opts.signal);
    const goal = await boxBinlogPosition(box);
    const state = await replicaStatus(conn, url);
    if (state.lastSqlError) throw broken(state);
    if (goal && state.executed && compareCoordinates(state.executed, goal) >= 0) {
      // Reached: unless the box wrote meanwhile, this is where it stands for good.
      const now = await boxBinlogPosition(box);
      if (now && compareCoordinates(now, goal) === 0) return goal;
      if (!moved) warn(`the box's binary log still grows (${formatCoordinates(goal)} → ${formatCoordinates(now)}): are writes frozen?`);
      moved = true;
    }
    if (Date.now() - started > timeoutMs) {
      const s = statusOf(ctx, state, goal);
      throw new DataError(
        'REPLICATION_TIMEOUT',
        `the target did not reach the box's position ${formatCoordinates(goal)} in ${Math.round(timeoutMs / 1000)} s (executed ${formatCoordinates(s.executed)}, ${s.secondsBehind ?? '?'} s behind, IO ${s.ioRunning ? 'running' : 'stopped'}${s.lastError ? `, last error ${s.lastError}` : ''})`,
        'replication is still running and nothing was switched: make sure writes on the box are frozen, then run this step again (or with a longer timeout); or lift the freeze and fall back to the dump path',
      );
    }
    await sleep(ctx.pollMs, ctx.opts.signal);
  }
}

/**
 * The cutover's end of replication, with writes frozen on the box: waits (bounded) until the
 * target executed the box's last binary-log position, compares row counts per table, then stops
 * and detaches replication and removes the replication account. Nothing is stopped when the
 * wait times out or the counts differ: the box still serves, and the freeze can be lifted.
 * Safe to repeat: once detached, a second finish only compares the counts.
 */
export async function finishMysqlReplication(opts: MysqlReplicationFinishOptions): Promise<MysqlReplicationFinish> {
  const ctx = context(opts);
  const { target: url, signal } = opts;
  const { meter } = ctx;
  const warnings: string[] = [];
  const warn = (w: string): void => {
    warnings.push(w);
    meter.notice('warn', w);
  };
  meter.enter('check');
  const facts = await mysqlSourceFacts(opts.session, ctx.access, signal);
  const box = { session: opts.session, access: ctx.access, facts, signal };

  return withTarget(url, async (conn) => {
    const state = await replicaStatus(conn, url);
    let position: BinlogCoordinates | null = null;
    const started = Date.now();
    meter.enter('copy');
    if (state.configured) {
      checkSource(state, opts.sourceAddress);
      if (state.lastSqlError) throw broken(state);
      if (!state.ioRunning || !state.sqlRunning) await callRds(conn, url, ['rds_start_replication']);
      position = await drain(ctx, conn, box, opts.timeoutMs ?? 120_000, warn);
    } else {
      meter.notice('info', 'replication is no longer configured on the target (an earlier finish detached it): comparing row counts only');
    }
    const drainMs = Date.now() - started;

    meter.enter('verify');
    const names = facts.tables.map((t) => t.name);
    const [onBox, onTarget] = await Promise.all([names.length ? boxRowCounts(box, rowCountSql(names)) : new Map<number, number>(), targetRowCounts(conn, ctx.database, names)]);
    const tables = names.map((table, i) => {
      const sourceRows = onBox.get(i) ?? 0;
      const targetRows = onTarget.get(i) ?? null;
      return { table, sourceRows, targetRows, match: sourceRows === targetRows };
    });
    if (!state.configured && tables.length > 0 && tables.every((t) => t.targetRows === null)) {
      throw new DataError('REPLICATION_NOT_CONFIGURED', `${ctx.database} is not replicated: no replication on the target and none of the tables there`, 'run the replication start step first, or copy with the dump path');
    }
    const differ = tables.filter((t) => !t.match);
    if (differ.length) {
      throw new DataError(
        'VERIFY_MISMATCH',
        `row counts differ after catch-up: ${differ.slice(0, 5).map((t) => `${t.table} (box ${t.sourceRows}, target ${t.targetRows ?? 'missing'})`).join('; ')}${differ.length > 5 ? ` and ${differ.length - 5} more` : ''}`,
        'replication was left running and nothing was switched: check for writes that bypass the freeze and for replication filters on the target, then run again; or lift the freeze and fall back to the dump path',
      );
    }

    meter.enter('cleanup');
    if (state.configured) {
      await callRds(conn, url, ['rds_stop_replication']);
      await callRds(conn, url, RESET_SOURCE);
      meter.notice('info', `replication detached from the target at ${formatCoordinates(position)}`);
    }
    let userDropped = false;
    try {
      await dropReplicationUser(box, opts.replicationUser ?? DEFAULT_USER, opts.replicationHost ?? '%');
      userDropped = true;
    } catch (err) {
      warn((err as DataError).message);
    }
    meter.enter('done');
    return { engine: 'mysql', database: ctx.database, position, drainMs, tables, alreadyDetached: !state.configured, dropped: { replication: state.configured, user: userDropped }, warnings };
  });
}
