import type pg from 'pg';
import { DataError } from '../../../shared/data/data-error.js';
import { pgIdent } from '../../../shared/data/identifiers.js';
import type { PgSourceFacts } from './pg-source.js';

/**
 * The target side before the data: is it empty, may this user create what the dump needs, and
 * (inside the copy's transaction) clearing it for --replace and creating roles and extensions.
 */

const USER_NAMESPACES = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
  and not exists (select 1 from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')`;
const NOT_EXTENSION_MEMBER = (catalog: string, alias: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${alias}.oid and d.deptype = 'e')`;

/** Up to `limit` objects the target database already holds (extension members do not count). */
export async function pgExistingObjects(client: pg.Client, limit = 5): Promise<string[]> {
  const r = await client.query<{ what: string }>(`
    (select 'table ' || n.nspname || '.' || c.relname as what from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${USER_NAMESPACES} and ${NOT_EXTENSION_MEMBER('pg_class', 'c')} limit ${limit})
    union all
    (select 'function ' || n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where ${USER_NAMESPACES} and ${NOT_EXTENSION_MEMBER('pg_proc', 'p')} limit ${limit})
    union all
    (select 'type ' || n.nspname || '.' || t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typtype in ('e', 'd', 'r', 'm') and ${USER_NAMESPACES} and ${NOT_EXTENSION_MEMBER('pg_type', 't')} limit ${limit})
    union all
    (select 'schema ' || n.nspname from pg_namespace n where n.nspname <> 'public' and ${USER_NAMESPACES} limit ${limit})`);
  return r.rows.slice(0, limit).map((row) => row.what);
}

/** Whether this user may create any extension (superuser, or RDS's rds_superuser). */
async function mayCreateAnyExtension(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>(`select (select rolsuper from pg_roles where rolname = current_user)
    or exists (select 1 from pg_roles where rolname = 'rds_superuser' and pg_has_role(current_user, oid, 'member')) as ok`);
  return r.rows[0]?.ok === true;
}

/**
 * Refuses, before anything is written, extensions the target does not offer or that this
 * user may not create (only trusted ones are open to non-superusers, PostgreSQL ≥ 13).
 */
export async function checkPgExtensions(client: pg.Client, facts: PgSourceFacts): Promise<void> {
  if (facts.extensions.length === 0) return;
  const names = facts.extensions.map((e) => e.name);
  const r = await client.query<{ name: string; installed: boolean; trusted: boolean }>(
    `select a.name, a.installed_version is not null as installed,
       coalesce((select v.trusted from pg_available_extension_versions v where v.name = a.name and v.version = a.default_version), false) as trusted
     from pg_available_extensions a where a.name = any($1)`,
    [names],
  );
  const available = new Map(r.rows.map((row) => [row.name, row]));
  const missing = names.filter((n) => !available.has(n));
  if (missing.length) {
    throw new DataError(
      'EXTENSION_UNAVAILABLE',
      `the target does not offer the extension${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the source database uses`,
      'check the engine version\'s supported extensions (RDS: "Extension versions for Amazon RDS for PostgreSQL"), or drop the extension on the box if the app does not need it',
    );
  }
  if (await mayCreateAnyExtension(client)) return;
  const refused = names.filter((n) => !available.get(n)!.installed && !available.get(n)!.trusted);
  if (refused.length) {
    throw new DataError(
      'TARGET_PERMISSION',
      `the target user may not create the extension${refused.length > 1 ? 's' : ''} ${refused.join(', ')} (not trusted, and the user is neither superuser nor rds_superuser)`,
      'connect as the RDS master user (a member of rds_superuser), or have an administrator create the extensions in the target database first',
    );
  }
}

/** Drops every user schema (CASCADE) and recreates an empty public schema; runs inside the copy's transaction. */
export async function clearPgDatabase(client: pg.Client): Promise<void> {
  const r = await client.query<{ nspname: string }>(`select n.nspname from pg_namespace n where ${USER_NAMESPACES}`);
  for (const { nspname } of r.rows) await client.query(`drop schema ${pgIdent(nspname)} cascade`);
  await client.query('create schema public');
  await client.query('grant usage on schema public to public');
  // As initdb leaves it (PostgreSQL ≥ 15); older servers or other owners keep the current user.
  await client.query('savepoint skylift_public_owner');
  await client.query('alter schema public owner to pg_database_owner').then(
    () => client.query('release savepoint skylift_public_owner'),
    () => client.query('rollback to savepoint skylift_public_owner'),
  );
}

/**
 * Creates the roles the dump names that the target lacks, without login, and makes the target
 * user a member (so that it may set their default privileges); returns their names.
 */
export async function createPgRoles(client: pg.Client, roles: string[]): Promise<string[]> {
  if (roles.length === 0) return [];
  const r = await client.query<{ rolname: string }>('select rolname from pg_roles where rolname = any($1)', [roles]);
  const existing = new Set(r.rows.map((row) => row.rolname));
  const created: string[] = [];
  for (const role of roles) {
    if (existing.has(role)) continue;
    await client.query(`create role ${pgIdent(role)} nologin`);
    await client.query(`grant ${pgIdent(role)} to current_user`);
    created.push(role);
  }
  return created;
}

/**
 * Creates the source's extensions (and the schemas they live in) before the dump runs; returns
 * the extensions and schemas created, so that the dump's own CREATE SCHEMA for them is skipped.
 */
export async function createPgExtensions(client: pg.Client, facts: PgSourceFacts): Promise<{ extensions: string[]; schemas: Set<string> }> {
  const schemas = new Set<string>();
  const extensions: string[] = [];
  if (facts.extensions.length === 0) return { extensions, schemas };
  const installed = new Set((await client.query<{ extname: string }>('select extname from pg_extension')).rows.map((row) => row.extname));
  const present = new Set((await client.query<{ nspname: string }>('select nspname from pg_namespace')).rows.map((row) => row.nspname));
  for (const ext of facts.extensions) {
    if (installed.has(ext.name)) continue;
    if (!present.has(ext.schema)) {
      await client.query(`create schema ${pgIdent(ext.schema)}`);
      present.add(ext.schema);
      schemas.add(ext.schema);
    }
    await client.query(`create extension if not exists ${pgIdent(ext.name)} with schema ${pgIdent(ext.schema)}`);
    extensions.push(ext.name);
  }
  return { extensions, schemas };
}
