import { pgIdent, pgLiteral } from '../../../shared/data/identifiers.js';
import type { SourceTable } from '../../../shared/data/checksums.js';
import type { PostgresSource } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import type { PgReplicationFacts } from './pg-replication-checks.js';
import { PUBLICATION, scramVerifier } from './pg-replication-names.js';
import { pgSourceQuery } from './pg-source.js';

/*
 * The box's side of logical replication, through psql as the database's OS user (a superuser):
 * what the server allows, the replication role and the publication, the WAL position, sequence
 * values and row counts, and the teardown. Names travel hex-encoded (they may hold any character).
 */

const hex = (s: string | undefined): string => Buffer.from(s ?? '', 'hex').toString('utf8');
const HEX = (expr: string) => `encode(convert_to(${expr}, 'UTF8'), 'hex')`;
const USER_TABLES = `c.relkind in ('r', 'p') and c.relpersistence = 'p' and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;

export interface BoxContext {
  session: SshSession;
  source: PostgresSource;
  psql: string;
  signal?: AbortSignal;
}

const query = (box: BoxContext, sql: string): Promise<string[][]> => pgSourceQuery(box.session, box.source, box.psql, sql, box.signal);

export async function pgReplicationFacts(box: BoxContext, name: string): Promise<PgReplicationFacts> {
  const rows = await query(
    box,
    `select 'setting', name, setting from pg_settings where name in ('server_version_num', 'wal_level', 'max_replication_slots', 'max_wal_senders', 'listen_addresses', 'ssl');
select 'slots', count(*) from pg_replication_slots;
select 'senders', count(*) from pg_stat_replication;
select 'slot', active::text, coalesce(confirmed_flush_lsn::text, '') from pg_replication_slots where slot_name = ${pgLiteral(name)};
select 'publication', puballtables::text from pg_publication where pubname = ${pgLiteral(PUBLICATION)};
select 'role' from pg_roles where rolname = ${pgLiteral(name)};
select 'noident', ${HEX("n.nspname || '.' || c.relname")} from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where ${USER_TABLES} and c.relkind = 'r' and (c.relreplident = 'n' or (c.relreplident = 'd' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary)))
  order by 2;
select distinct 'schema', ${HEX('n.nspname')} from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${USER_TABLES};
select 'unlogged', ${HEX("n.nspname || '.' || c.relname")} from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and c.relpersistence = 'u' and n.nspname not in ('pg_catalog', 'information_schema') order by 2;
select 'lo', count(*) from pg_largeobject_metadata;
select 'hba', line_number, type, ${HEX("array_to_string(database, ',')")}, ${HEX("array_to_string(user_name, ',')")}, coalesce(address, ''), coalesce(netmask, ''), coalesce(auth_method, ''), ${HEX("coalesce(error, '')")}
  from pg_hba_file_rules order by line_number;`,
  );
  const facts: PgReplicationFacts = { versionNum: 0, settings: {}, slotsUsed: 0, sendersUsed: 0, ownSlot: null, publication: null, roleExists: false, noIdentity: [], hba: [], schemas: [], unlogged: [], largeObjects: 0 };
  for (const f of rows) {
    switch (f[0]) {
      case 'setting':
        facts.settings[f[1] ?? ''] = f[2] ?? '';
        break;
      case 'slots':
        facts.slotsUsed = Number(f[1]);
        break;
      case 'senders':
        facts.sendersUsed = Number(f[1]);
        break;
      case 'slot':
        facts.ownSlot = { active: f[1] === 'true', confirmedFlush: f[2] || null };
        break;
      case 'publication':
        facts.publication = { allTables: f[1] === 'true' };
        break;
      case 'role':
        facts.roleExists = true;
        break;
      case 'noident':
        facts.noIdentity.push(hex(f[1]));
        break;
      case 'unlogged':
        facts.unlogged.push(hex(f[1]));
        break;
      case 'lo':
        facts.largeObjects = Number(f[1]);
        break;
      case 'schema':
        facts.schemas.push(hex(f[1]));
        break;
      case 'hba':
        facts.hba.push({ line: Number(f[1]), type: f[2] ?? '', databases: hex(f[3]).split(','), users: hex(f[4]).split(','), address: f[5] ?? '', netmask: f[6] ?? '', method: f[7] ?? '', error: hex(f[8]) });
        break;
    }
  }
  facts.versionNum = Number(facts.settings.server_version_num ?? 0);
  return facts;
}

/**
 * The replication role (login, replication, SELECT on the published schemas for the initial
 * copy, past row-level security: a policy would silently leave rows out of it) with a fresh password sent as its SCRAM verifier, and the publication of every table;
 * in one transaction, and harmless to repeat.
 */
export async function preparePublisher(box: BoxContext, name: string, password: string, schemas: string[]): Promise<void> {
  const role = pgIdent(name);
  const grants = schemas.map((s) => `grant usage on schema ${pgIdent(s)} to ${role};\ngrant select on all tables in schema ${pgIdent(s)} to ${role};`).join('\n');
  await query(
    box,
    `begin;
do $$ begin
  if not exists (select 1 from pg_roles where rolname = ${pgLiteral(name)}) then create role ${role}; end if;
  if not exists (select 1 from pg_publication where pubname = ${pgLiteral(PUBLICATION)}) then create publication ${pgIdent(PUBLICATION)} for all tables; end if;
end $$;
alter role ${role} with login replication bypassrls password ${pgLiteral(scramVerifier(password))};
${grants}
commit;`,
  );
}

/** The subscription's slot, made on the box (the target's subscription is made without connecting); kept when there already. */
export async function ensureSlot(box: BoxContext, name: string): Promise<void> {
  await query(box, `select 'slot', pg_create_logical_replication_slot(${pgLiteral(name)}, 'pgoutput') where not exists (select 1 from pg_replication_slots where slot_name = ${pgLiteral(name)});`);
}

/** The box's current WAL position: with writes frozen, everything the app wrote lies before it. */
export async function currentLsn(box: BoxContext): Promise<string> {
  const rows = await query(box, "select 'lsn', pg_current_wal_lsn()::text;");
  return rows.find((r) => r[0] === 'lsn')?.[1] ?? '0/0';
}

/** How far the subscription's slot trails `lsn` (bytes; 0 when confirmed up to it), and whether a walsender serves it; null without a slot. */
export async function slotLag(box: BoxContext, name: string, lsn?: string): Promise<{ lagBytes: number; active: boolean } | null> {
  const upTo = lsn ? `${pgLiteral(lsn)}::pg_lsn` : 'pg_current_wal_lsn()';
  const rows = await query(box, `select 'slot', greatest(0, coalesce(pg_wal_lsn_diff(${upTo}, confirmed_flush_lsn), 0))::bigint, active::text from pg_replication_slots where slot_name = ${pgLiteral(name)};`);
  const row = rows.find((r) => r[0] === 'slot');
  return row ? { lagBytes: Number(row[1]), active: row[2] === 'true' } : null;
}

export interface SequenceValue {
  /** schema.sequence, quoted for use as a regclass. */
  qualified: string;
  label: string;
  value: string;
}

export const countSql = (tables: SourceTable[]): string[] => tables.map((t, i) => `select 'count', ${i}, count(*) from only ${pgIdent(t.schema ?? 'public')}.${pgIdent(t.name)};`);

/**
 * In one round trip, with writes frozen: every sequence's current value (sequences never used
 * are left out: the target's are fresh too) and the row count of each table, by index in `tables`.
 */
export async function frozenSourceState(box: BoxContext, tables: SourceTable[]): Promise<{ sequences: SequenceValue[]; counts: Map<number, number> }> {
  const rows = await query(box, [`select 'seq', ${HEX('schemaname')}, ${HEX('sequencename')}, last_value::text from pg_sequences where last_value is not null order by 2, 3;`, ...countSql(tables)].join('\n'));
  const sequences = rows
    .filter((r) => r[0] === 'seq')
    .map((r) => {
      const schema = hex(r[1]);
      const name = hex(r[2]);
      return { qualified: `${pgIdent(schema)}.${pgIdent(name)}`, label: `${schema}.${name}`, value: r[3] ?? '0' };
    });
  return { sequences, counts: new Map(rows.filter((r) => r[0] === 'count').map((r) => [Number(r[1]), Number(r[2])])) };
}

/**
 * Drops the subscription's slot (ending the walsender that may still hold it: the target's
 * subscription is gone or disabled) and, unless kept, the publication and the role, in one
 * round trip (repeated while the ended walsender lets go); true when the slot is gone.
 */
export async function teardownPublisher(box: BoxContext, name: string, opts: { keepPublication: boolean }): Promise<boolean> {
  const slot = pgLiteral(name);
  const dropRest = opts.keepPublication
    ? ''
    : `drop publication if exists ${pgIdent(PUBLICATION)};
do $$ begin
  if exists (select 1 from pg_roles where rolname = ${slot}) then
    execute 'drop owned by ${pgIdent(name).replace(/'/g, "''")}';
    execute 'drop role ${pgIdent(name).replace(/'/g, "''")}';
  end if;
end $$;`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const rows = await query(
      box,
      `select 'ended', pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = ${slot} and active_pid is not null;
select 'dropped', pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ${slot} and not active;
${attempt === 0 ? dropRest : ''}
select 'left', count(*) from pg_replication_slots where slot_name = ${slot};`,
    );
    if (rows.find((r) => r[0] === 'left')?.[1] === '0') return true;
    // The ended walsender releases the slot a moment later.
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
