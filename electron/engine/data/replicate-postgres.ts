import type pg from 'pg';
import { DataError } from '../../../shared/data/data-error.js';
import { checkPgName } from '../../../shared/data/identifiers.js';
import { tableLabel } from '../../../shared/data/checksums.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { DataEvent, PostgresSource } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { cancelled, sleep } from './copy-common.js';
import { copyPostgres } from './copy-postgres.js';
import { pgReplicationFailures, pgReplicationGaps, pgVersionFailure, ReplicationPreconditionError } from './pg-replication-checks.js';
import { newReplicationPassword, publisherConninfo, replicationName } from './pg-replication-names.js';
import { countSql, currentLsn, ensureSlot, frozenSourceState, pgReplicationFacts, preparePublisher, slotLag, teardownPublisher, type BoxContext } from './pg-replication-source.js';
import { connectSubscription, createSubscription, dropSubscription, findSubscription, subscriberProblem, setSequences, subscriptionState, targetCounts, type Subscription, type TableSyncState } from './pg-replication-target.js';
import { pgSourceFacts, type PgSourceFacts } from './pg-source.js';
import { connectPg } from './pg-target.js';
import { ProgressMeter } from './progress-meter.js';

/*
 * Logical replication from the box into the target: the schema first, a publication of every
 * table on the box, a subscription on the target that copies the tables and then streams every
 * change; at cutover, with writes frozen, the stream drains, sequences are set, row counts are
 * compared and the subscription goes. Each call is safe to repeat after a crash.
 */

export interface PgReplicationOptions {
  session: SshSession;
  source: PostgresSource;
  target: TargetUrl;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
  /** Between two looks at the replication state (default 1 s). */
  pollMs?: number;
}

export interface PgReplicationStartOptions extends PgReplicationOptions {
  /** How the target reaches the box's PostgreSQL. */
  sourceAddress: { host: string; port: number };
  /** The address the target connects from, as the box sees it: checked against pg_hba.conf when given. */
  targetAddress?: string;
  /** TLS on the target's connection to the box (default prefer: the box's server may not offer it). */
  sourceSslMode?: 'disable' | 'prefer' | 'require';
  /**
   * Clear a target database that holds objects but no subscription yet (what a start that died
   * before subscribing leaves); without it such a target is refused (TARGET_NOT_EMPTY).
   */
  replace?: boolean;
  /** Return only once every table finished its initial copy (default true). */
  waitForSync?: boolean;
  /** Bound on that wait (default: none, until the signal). */
  timeoutMs?: number;
}

export interface PgReplicationStart {
  engine: 'postgres';
  database: string;
  subscription: string;
  /** False when an earlier start had made the subscription already (a resume). */
  created: boolean;
  tables: number;
  synced: boolean;
}

export interface PgReplicationStatus {
  engine: 'postgres';
  database: string;
  /** A subscription exists on the target. */
  configured: boolean;
  /** Its apply worker runs. */
  running: boolean;
  /** WAL the target has not confirmed yet (bytes); null without a slot on the box. */
  lagBytes: number | null;
  tables: { table: string; state: TableSyncState }[];
  errors: number;
}

export interface PgReplicationFinishOptions extends PgReplicationOptions {
  /** Bound on the wait for lag 0 (default 60 s). */
  timeoutMs?: number;
  /** Leave the publication and the replication role on the box (the slot always goes: it would hold WAL forever). */
  keepPublication?: boolean;
}

export interface PgReplicationFinish {
  engine: 'postgres';
  database: string;
  /** The box's WAL position when the drain started. */
  lsn: string;
  drainMs: number;
  /** Sequences read and set, and every table counted on both sides (a scan each: grows with the data). */
  countMs: number;
  sequences: { sequence: string; value: string }[];
  tables: { table: string; sourceRows: number; targetRows: number | null; match: boolean }[];
  dropped: { subscription: boolean; slot: boolean; publication: boolean };
}

interface Sides {
  box: BoxContext;
  facts: PgSourceFacts;
  name: string;
  database: string;
  meter: ProgressMeter;
}

async function sides(opts: PgReplicationOptions): Promise<Sides> {
  const database = checkPgName(opts.target.database ?? opts.source.database);
  const facts = await pgSourceFacts(opts.session, opts.source, opts.signal);
  return {
    box: { session: opts.session, source: opts.source, psql: facts.psql, signal: opts.signal },
    facts,
    name: replicationName(opts.source.database),
    database,
    meter: new ProgressMeter('postgres', 'tables', opts.onEvent ?? (() => undefined)),
  };
}

async function withTarget<T>(url: TargetUrl, database: string, fn: (client: pg.Client | null) => Promise<T>, missingOk = false): Promise<T> {
  const client = await connectPg(url, database, { missingOk });
  try {
    return await fn(client);
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** Polls the subscription until `done` says so (progress as tables ready), else REPLICATION_TIMEOUT / CANCELLED. */
async function waitFor(client: pg.Client, sub: Subscription, meter: ProgressMeter, opts: PgReplicationOptions & { timeoutMs?: number }, done: (tables: { state: TableSyncState }[]) => Promise<boolean>, timeout: () => DataError): Promise<void> {
  const started = Date.now();
  let warnedErrors = 0;
  for (;;) {
    cancelled(opts.signal);
    const state = await subscriptionState(client, sub);
    const ready = state.tables.filter((t) => t.state === 'ready').length;
    meter.setTotals(null, state.tables.length);
    meter.item(ready, state.tables.find((t) => t.state !== 'ready')?.table);
    if (state.errors > warnedErrors) {
      warnedErrors = state.errors;
      meter.notice('warn', `the target counted ${state.errors} replication error${state.errors > 1 ? 's' : ''} so far (its server log names them); the workers retry on their own`);
    }
    if (await done(state.tables)) return;
    if (opts.timeoutMs !== undefined && Date.now() - started > opts.timeoutMs) throw timeout();
    await sleep(opts.pollMs ?? 1000, opts.signal);
  }
}

/**
 * Checks the box, copies the schema, publishes every table and subscribes the target to it;
 * by default returns once the initial copy of every table is done (the box serving throughout).
 * After a crash it finds what it made and carries on: the schema is copied again only while
 * no subscription exists, and the subscription gets this run's password.
 */
export async function startPostgresReplication(opts: PgReplicationStartOptions): Promise<PgReplicationStart> {
  const s = await sides(opts);
  const { box, name, meter } = s;
  meter.enter('check');
  // Older servers lack the catalogs the next query reads: refused on the version alone.
  const tooOld = pgVersionFailure((s.facts.version.key[0] ?? 0) * 10000);
  if (tooOld) throw new ReplicationPreconditionError(opts.session.label, [tooOld]);
  const repl = await pgReplicationFacts(box, name);
  const failures = pgReplicationFailures(repl, { database: opts.source.database, role: name, sourceHost: opts.sourceAddress.host, targetAddress: opts.targetAddress });
  if (failures.length) throw new ReplicationPreconditionError(opts.session.label, failures);
  cancelled(opts.signal);

  for (const gap of pgReplicationGaps(repl)) meter.notice('warn', gap);
  let existing = await withTarget(
    opts.target,
    s.database,
    async (c) => {
      // The target database may not exist yet (the schema copy creates it): roles are the cluster's, any database answers.
      const problem = await (c ? subscriberProblem(c, opts.target) : withTarget(opts.target, 'postgres', async (m) => (m ? subscriberProblem(m, opts.target) : null), true));
      if (problem) throw problem;
      return c ? findSubscription(c, name) : null;
    },
    true,
  );
  let replace = opts.replace === true;
  if (existing && !repl.ownSlot) {
    // Without its slot the box kept no changes for the subscription: what came since is lost, so the copy starts over.
    meter.notice('warn', `the replication slot ${name} is gone from the box: the target's copy restarts from scratch`);
    await withTarget(opts.target, s.database, (c) => dropSubscription(c!, opts.target, name));
    existing = null;
    replace = true;
  }
  meter.enter('prepare');
  if (!existing) {
    // Nothing streams into the target yet: its schema is made from the box's, in one transaction.
    await copyPostgres({ session: opts.session, source: opts.source, target: opts.target, replace, verify: false, schemaOnly: true, signal: opts.signal, onEvent: (e) => e.type === 'notice' && meter.notice(e.level, e.message) });
    meter.notice('info', `schema of ${opts.source.database} copied to the target`);
  }
  cancelled(opts.signal);
  const password = newReplicationPassword();
  await preparePublisher(box, name, password, repl.schemas);
  await ensureSlot(box, name);
  const publisher = { host: opts.sourceAddress.host, port: opts.sourceAddress.port, database: opts.source.database, user: name, sslmode: opts.sourceSslMode ?? 'prefer' } as const;

  return withTarget(opts.target, s.database, async (client) => {
    const c = client!;
    if (existing) meter.notice('info', `subscription ${name} found on the target: resumed`);
    else await createSubscription(c, opts.target, name, publisherConninfo(publisher));
    await connectSubscription(c, opts.target, name, publisherConninfo({ ...publisher, password }), password);
    const sub = (await findSubscription(c, name))!;
    meter.enter('copy');
    const result: PgReplicationStart = { engine: 'postgres', database: s.database, subscription: name, created: !existing, tables: s.facts.tables.length, synced: false };
    if (opts.waitForSync !== false) {
      await waitFor(c, sub, meter, opts, async (tables) => tables.every((t) => t.state === 'ready'), () => new DataError('REPLICATION_TIMEOUT', `the initial copy of ${s.database} did not finish in time`, 'look at the target\'s log for replication errors; run the step again to keep waiting (what was copied stays)'));
      result.synced = true;
    }
    meter.enter('done');
    return result;
  });
}

/** Where replication stands: per-table state of the initial copy, lag in bytes, whether it runs. */
export async function postgresReplicationStatus(opts: PgReplicationOptions): Promise<PgReplicationStatus> {
  const s = await sides(opts);
  const lag = await slotLag(s.box, s.name);
  return withTarget(
    opts.target,
    s.database,
    async (client) => {
      const sub = client ? await findSubscription(client, s.name) : null;
      const state = sub && client ? await subscriptionState(client, sub) : null;
      return { engine: 'postgres', database: s.database, configured: sub !== null, running: state?.running ?? false, lagBytes: lag?.lagBytes ?? null, tables: state?.tables ?? [], errors: state?.errors ?? 0 };
    },
    true,
  );
}

/**
 * The cutover, with writes on the box frozen by the caller: waits until the target confirmed
 * every change up to the box's current WAL position, sets the sequences, compares row counts
 * and drops the subscription (and its slot on the box). Counts that differ stop it before the
 * drop, so it can run again. Safe to repeat: without a subscription it only sets sequences,
 * compares and tidies the box.
 */
export async function finishPostgresReplication(opts: PgReplicationFinishOptions): Promise<PgReplicationFinish> {
  const s = await sides(opts);
  const { box, name, meter, facts } = s;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  meter.enter('check');
  const lsn = await currentLsn(box);
  const notConfigured = () => new DataError('REPLICATION_NOT_CONFIGURED', `${s.database} is not replicated: no subscription ${name} on the target and none of the tables there`, 'run the replication start step first, or copy with the dump path');
  return withTarget(opts.target, s.database, async (client) => {
    if (!client) throw notConfigured();
    const c = client;
    const sub = await findSubscription(c, name);
    const started = Date.now();
    meter.enter('copy');
    if (sub) {
      await waitFor(
        c,
        sub,
        meter,
        { ...opts, timeoutMs },
        async (tables) => tables.every((t) => t.state === 'ready') && ((await slotLag(box, name, lsn))?.lagBytes ?? 0) === 0,
        () =>
          new DataError(
            'REPLICATION_TIMEOUT',
            `the target did not catch up with the box within ${Math.round(timeoutMs / 1000)} s (its WAL position ${lsn})`,
            'make sure writes are really frozen on the box and replication runs (on the target: pg_stat_subscription and its log), then run the step again; or lift the freeze and fall back to the dump path (dump-restore) in a longer window',
          ),
      );
    }
    const drainMs = Date.now() - started;
    meter.enter('verify');
    const counted = Date.now();
    const [{ sequences, counts: src }, dst] = await Promise.all([frozenSourceState(box, facts.tables), targetCounts(c, countSql(facts.tables))]);
    await setSequences(c, opts.target, sequences);
    const countMs = Date.now() - counted;
    const tables = facts.tables.map((t, i) => {
      const sourceRows = src.get(i) ?? 0;
      const targetRows = dst.get(i) ?? null;
      return { table: tableLabel(t), sourceRows, targetRows, match: targetRows === sourceRows };
    });
    if (!sub && tables.length > 0 && tables.every((t) => t.targetRows === null)) throw notConfigured();
    const differ = tables.filter((t) => !t.match);
    if (differ.length) {
      throw new DataError(
        'VERIFY_MISMATCH',
        `row counts differ after the drain: ${differ.slice(0, 5).map((t) => `${t.table} (box ${t.sourceRows}, target ${t.targetRows ?? 'missing'})`).join(', ')}${differ.length > 5 ? ` and ${differ.length - 5} more` : ''}`,
        'make sure writes are frozen on the box, then run the step again (replication is still on); if the counts stay apart, fall back to the dump path',
      );
    }
    meter.enter('cleanup');
    if (sub) await dropSubscription(c, opts.target, name);
    const slotGone = await teardownPublisher(box, name, { keepPublication: opts.keepPublication === true });
    if (!slotGone) meter.notice('warn', `the replication slot ${name} is still held on the box: drop it there (SELECT pg_drop_replication_slot('${name}')) or it keeps WAL forever`);
    meter.enter('done');
    return {
      engine: 'postgres',
      database: s.database,
      lsn,
      drainMs,
      countMs,
      sequences: sequences.map((q) => ({ sequence: q.label, value: q.value })),
      tables,
      dropped: { subscription: sub !== null, slot: slotGone, publication: opts.keepPublication !== true },
    };
  }, true);
}
