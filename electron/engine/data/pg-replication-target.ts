import type pg from 'pg';
import { DataError, scrub } from '../../../shared/data/data-error.js';
import { pgIdent, pgLiteral } from '../../../shared/data/identifiers.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { PUBLICATION } from './pg-replication-names.js';
import type { SequenceValue } from './pg-replication-source.js';
import { pgStatementError } from './pg-target.js';

/*
 * The target's side: the subscription (created, re-pointed on resume, dropped), the state of
 * each table's initial copy, sequences and row counts. The subscription's statements carry the
 * replication password: only their first words ever reach an error message.
 */

export interface Subscription {
  oid: number;
  enabled: boolean;
}

export async function findSubscription(client: pg.Client, name: string): Promise<Subscription | null> {
  const r = await client.query<{ oid: number; subenabled: boolean }>(
    'select s.oid, s.subenabled from pg_subscription s join pg_database d on d.oid = s.subdbid where d.datname = current_database() and s.subname = $1',
    [name],
  );
  const row = r.rows[0];
  return row ? { oid: Number(row.oid), enabled: row.subenabled } : null;
}

/** The failure of a statement that made the target connect to the box, in terms of the way between them. */
function subscriptionError(err: unknown, what: string, url: TargetUrl, password: string): unknown {
  const message = scrub(String((err as Error)?.message ?? err), [password, url.password]);
  if (/could not connect to the publisher/i.test(message)) {
    const why = message.replace(/^.*could not connect to the publisher:\s*/i, '').replace(/\s+/g, ' ').trim();
    const hint = /pg_hba\.conf/.test(why)
      ? 'add the line for the replication role and the address named above to pg_hba.conf on the box, then SELECT pg_reload_conf()'
      : /password authentication failed/.test(why)
        ? 'check which pg_hba.conf line the connection meets on the box: it must ask for scram-sha-256 or md5 (a password), not ident or peer'
        : 'let the target reach the box\'s PostgreSQL: its listen_addresses, the box\'s firewall (allow the target\'s egress address on the PostgreSQL port), or a tunnel';
    return new DataError('REPLICATION_UNREACHABLE', `the target cannot connect to the box's PostgreSQL: ${why}`, hint, { cause: err });
  }
  return pgStatementError(err, what, url) ?? err;
}

/**
 * Why this target user cannot subscribe, or null: a superuser, or a member of rds_superuser (on
 * RDS; elsewhere that role must itself be a superuser, see createSubscription), on PostgreSQL ≥ 10.
 */
export async function subscriberProblem(client: pg.Client, url: TargetUrl): Promise<DataError | null> {
  const r = await client.query<{ version: number; superuser: boolean; rds: boolean }>(
    `select current_setting('server_version_num')::int as version, (select rolsuper from pg_roles where rolname = current_user) as superuser,
       exists (select 1 from pg_roles where rolname = 'rds_superuser' and pg_has_role(current_user, oid, 'member')) as rds`,
  );
  const row = r.rows[0];
  if (!row) return null;
  if (row.version < 100000) return new DataError('REPLICATION_PRECONDITION', `the target runs PostgreSQL ${Math.floor(row.version / 10000)}, which has no CREATE SUBSCRIPTION`, 'use a target on PostgreSQL 10 or later (RDS offers 13 and up), or the dump path');
  if (row.superuser || row.rds) return null;
  return new DataError('TARGET_PERMISSION', `${url.user ?? 'the target user'} may not create subscriptions (neither a superuser nor a member of rds_superuser)`, 'connect as the RDS master user (a member of rds_superuser), or use the dump path');
}

/** Whether the target user may take on a superuser role named like RDS's (see createSubscription). */
async function superuserRole(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>(
    "select exists (select 1 from pg_roles where rolname = 'rds_superuser' and rolsuper and pg_has_role(current_user, oid, 'member')) as ok",
  );
  return r.rows[0]?.ok === true;
}

/**
 * CREATE SUBSCRIPTION as the connected user, which RDS allows to members of rds_superuser. Plain
 * PostgreSQL ≤ 15 allows it to superusers only: a self-managed target may grant it through a
 * superuser role named rds_superuser, taken on for this one statement. Made without connecting
 * (the slot is made on the box) and without the password: a statement that fails is written to
 * the target's log with its text.
 */
export async function createSubscription(client: pg.Client, url: TargetUrl, name: string, conninfoWithoutPassword: string): Promise<void> {
  const sql = `CREATE SUBSCRIPTION ${pgIdent(name)} CONNECTION ${pgLiteral(conninfoWithoutPassword)} PUBLICATION ${pgIdent(PUBLICATION)} WITH (connect = false, slot_name = ${pgLiteral(name)})`;
  try {
    try {
      await client.query(sql);
    } catch (err) {
      if ((err as { code?: string }).code !== '42501' || !(await superuserRole(client))) throw err;
      await client.query('set role rds_superuser');
      try {
        await client.query(sql);
      } finally {
        await client.query('reset role');
      }
    }
  } catch (err) {
    throw pgStatementError(err, sql, url) ?? err;
  }
}

/**
 * Gives the subscription this run's password (a statement that cannot fail on the network),
 * switches it on and has it read the publication's tables (new ones get their initial copy):
 * this last statement reaches the box, and says so when it cannot.
 */
export async function connectSubscription(client: pg.Client, url: TargetUrl, name: string, conninfo: string, password: string): Promise<void> {
  const what = `ALTER SUBSCRIPTION ${pgIdent(name)}`;
  try {
    await client.query(`${what} CONNECTION ${pgLiteral(conninfo)}`);
    await client.query(`${what} ENABLE`);
    await client.query(`${what} REFRESH PUBLICATION WITH (copy_data = true)`);
  } catch (err) {
    throw subscriptionError(err, what, url, password);
  }
}

export type TableSyncState = 'init' | 'copy' | 'synced' | 'ready';

const STATES: Record<string, TableSyncState> = { i: 'init', d: 'copy', f: 'copy', s: 'synced', r: 'ready' };

export interface SubscriptionState {
  tables: { table: string; state: TableSyncState }[];
  /** An apply worker runs for the subscription. */
  running: boolean;
  enabled: boolean;
  /** Errors the target counted in the apply and table-copy workers (PostgreSQL ≥ 15; else 0). */
  errors: number;
}

export async function subscriptionState(client: pg.Client, sub: Subscription): Promise<SubscriptionState> {
  const tables = await client.query<{ label: string; state: string }>(
    "select n.nspname || '.' || c.relname as label, sr.srsubstate as state from pg_subscription_rel sr join pg_class c on c.oid = sr.srrelid join pg_namespace n on n.oid = c.relnamespace where sr.srsubid = $1 order by 1",
    [sub.oid],
  );
  const workers = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_subscription where subid = $1 and pid is not null and relid is null', [sub.oid]);
  const hasStats = (await client.query<{ ok: boolean }>("select to_regclass('pg_catalog.pg_stat_subscription_stats') is not null as ok")).rows[0]?.ok;
  const errors = hasStats ? Number((await client.query<{ n: string }>('select (apply_error_count + sync_error_count)::text as n from pg_stat_subscription_stats where subid = $1', [sub.oid])).rows[0]?.n ?? 0) : 0;
  return {
    tables: tables.rows.map((r) => ({ table: r.label, state: STATES[r.state] ?? 'init' })),
    running: (workers.rows[0]?.n ?? 0) > 0,
    enabled: sub.enabled,
    errors,
  };
}

/** Each sequence set to the box's value (the next nextval() returns the box's next one). */
export async function setSequences(client: pg.Client, url: TargetUrl, values: SequenceValue[]): Promise<void> {
  for (const v of values) {
    const sql = `select setval(${pgLiteral(v.qualified)}::regclass, ${BigInt(v.value).toString()}, true)`;
    await client.query(sql).catch((err: unknown) => {
      throw pgStatementError(err, sql, url) ?? err;
    });
  }
}

/** Row counts on the target by table index; a table it lacks is left out. */
export async function targetCounts(client: pg.Client, sql: string[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const text of sql) {
    try {
      const r = await client.query({ text, rowMode: 'array' });
      const row = r.rows[0] as unknown[] | undefined;
      if (row) out.set(Number(row[1]), Number(row[2]));
    } catch (err) {
      if ((err as { code?: string }).code !== '42P01') throw err;
    }
  }
  return out;
}

/**
 * Stops and drops the subscription without having the target reach the box again (the slot is
 * dropped on the box by the caller): disable, forget the slot, drop.
 */
export async function dropSubscription(client: pg.Client, url: TargetUrl, name: string): Promise<void> {
  const sub = pgIdent(name);
  for (const sql of [`ALTER SUBSCRIPTION ${sub} DISABLE`, `ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`, `DROP SUBSCRIPTION ${sub}`]) {
    await client.query(sql).catch((err: unknown) => {
      throw pgStatementError(err, sql, url) ?? err;
    });
  }
}
