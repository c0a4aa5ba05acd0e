import { DataError } from '../../../shared/data/data-error.js';
import { checkPgName } from '../../../shared/data/identifiers.js';
import { PG_TABLES_SQL, type SourceTable } from '../../../shared/data/checksums.js';
import { compareVersions, postgresVersion, type Version } from '../../../shared/data/versions.js';
import type { PostgresSource } from '../../../shared/schema/data.js';
import type { ExecStream, SshSession } from '../ssh/index.js';
import { heredoc, runScript, stderrTail, streamScript } from './remote.js';

/** What the box says about the source database before anything is copied. */
export interface PgSourceFacts {
  version: Version;
  /** Every pg_dump found on the box, with its version. */
  dumpClients: { path: string; version: Version }[];
  /** psql to run queries with (any version reads these catalogs). */
  psql: string;
  extensions: { name: string; version: string; schema: string }[];
  /** Roles the dump's ACLs and policies name (owners included), predefined pg_* ones left out. */
  roles: string[];
  tables: SourceTable[];
}

/*
 * Positional arguments of every script: OS user, host (socket dir or address, may be empty),
 * port (may be empty), libpq connection string naming the database. `sky_pg BIN ARGS…` runs a
 * client as that user against that server.
 */
export const PG_CONNECT = String.raw`
sky_u=$1; sky_h=$2; sky_p=$3; sky_db=$4
sky_tab=$(printf '\t')
sky_pg() {
  sky_b=$1; shift
  [ -n "$sky_p" ] && set -- -p "$sky_p" "$@"
  [ -n "$sky_h" ] && set -- -h "$sky_h" "$@"
  sky_as "$sky_u" "$sky_b" "$@"
}
`;

const FACTS_SQL = `select 'version', current_setting('server_version_num');
select 'ext', encode(convert_to(e.extname, 'UTF8'), 'hex'), e.extversion, encode(convert_to(n.nspname, 'UTF8'), 'hex')
  from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname <> 'plpgsql' order by e.oid;
select 'role', encode(convert_to(r.rolname, 'UTF8'), 'hex') from pg_roles r
  where r.oid in (select refobjid from pg_shdepend where refclassid = 'pg_authid'::regclass
    and dbid = (select oid from pg_database where datname = current_database()) and deptype in ('a', 'r', 'o'))
  and r.rolname !~ '^pg_' order by 2;
${PG_TABLES_SQL}`;

/** Finds psql, runs the facts query, then lists every pg_dump installed (any version). */
function factsScript(): string {
  const doc = heredoc(FACTS_SQL);
  return `${PG_CONNECT}
sky_psql=$(command -v psql || ls -1 /usr/lib/postgresql/*/bin/psql /usr/pgsql-*/bin/psql 2>/dev/null | tail -n 1)
[ -n "$sky_psql" ] || { echo "nopsql"; exit 0; }
echo "psql$sky_tab$sky_psql"
sky_pg "$sky_psql" -XAtq -v ON_ERROR_STOP=1 -F "$sky_tab" -d "$sky_db" -f - ${doc.open}
${doc.body}for sky_d in /usr/lib/postgresql/*/bin/pg_dump /usr/pgsql-*/bin/pg_dump "$(command -v pg_dump)"; do
  [ -x "$sky_d" ] && echo "dump$sky_tab$sky_d$sky_tab$("$sky_d" --version 2>/dev/null </dev/null | head -n 1)"
done
`;
}

/** libpq's connection string for a database name: quoted, so a name can never smuggle options. */
export const pgConninfo = (database: string): string => `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const fromHex = (hex: string | undefined): string => Buffer.from(hex ?? '', 'hex').toString('utf8');

/** The positional arguments PG_CONNECT reads. */
export function pgScriptArgs(source: PostgresSource): string[] {
  checkPgName(source.database);
  if (source.osUser !== undefined) checkPgName(source.osUser, 'OS user');
  return [source.osUser ?? 'postgres', source.host ?? '', source.port === undefined ? '' : String(source.port), pgConninfo(source.database)];
}

/** A script that feeds `sql` to psql ($5), as the database's OS user, on the box. */
function psqlScript(sql: string): string {
  const doc = heredoc(sql);
  return `${PG_CONNECT}\nsky_pg "$5" -XAtq -v ON_ERROR_STOP=1 -F "$sky_tab" -d "$sky_db" -f - ${doc.open}\n${doc.body}`;
}

function sourceFailure(label: string, source: PostgresSource, stderr: string): DataError {
  const why = stderrTail(stderr);
  if (/sudo|password is required|not allowed|may not run|setpriv|runuser/i.test(why)) {
    return new DataError('SOURCE_UNAVAILABLE', `cannot run the PostgreSQL client as ${source.osUser ?? 'postgres'} on ${label}: ${why}`, 'log in as root or as the database owner, or allow passwordless `sudo -u postgres` for the SSH user');
  }
  if (/does not exist/i.test(why)) {
    return new DataError('SOURCE_UNAVAILABLE', `${why} (on ${label})`, 'check --database against `skylift inventory` (databases.postgres[].databases)');
  }
  return new DataError('SOURCE_UNAVAILABLE', `cannot query PostgreSQL on ${label}: ${why || 'no output'}`, 'check the port or socket directory (--source-port, --source-host) and that the server runs');
}

export async function pgSourceFacts(session: SshSession, source: PostgresSource, signal?: AbortSignal): Promise<PgSourceFacts> {
  const r = await runScript(session, factsScript(), pgScriptArgs(source), { timeoutMs: 120_000, signal });
  const lines = r.stdout.toString('utf8').split('\n');
  if (lines.includes('nopsql')) {
    throw new DataError('DUMP_CLIENT_MISSING', `no psql or pg_dump on ${session.label}`, 'install the server\'s client package on the box (Debian/Ubuntu: postgresql-client-<major>; RHEL: postgresqlNN)');
  }
  const facts: PgSourceFacts = { version: { key: [0], text: '?' }, dumpClients: [], psql: 'psql', extensions: [], roles: [], tables: [] };
  let versionSeen = false;
  for (const line of lines) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'psql':
        facts.psql = f[1] ?? 'psql';
        break;
      case 'version': {
        const v = postgresVersion(f[1] ?? '');
        if (v) {
          facts.version = v;
          versionSeen = true;
        }
        break;
      }
      case 'ext':
        facts.extensions.push({ name: fromHex(f[1]), version: f[2] ?? '', schema: fromHex(f[3]) });
        break;
      case 'role':
        facts.roles.push(fromHex(f[1]));
        break;
      case 'table':
        facts.tables.push({ schema: fromHex(f[1]), name: fromHex(f[2]), bytes: Number(f[3]) || 0 });
        break;
      case 'dump': {
        const v = postgresVersion(f[2] ?? '');
        if (f[1] && v && !facts.dumpClients.some((d) => d.path === f[1])) facts.dumpClients.push({ path: f[1], version: v });
        break;
      }
    }
  }
  if (!versionSeen) throw sourceFailure(session.label, source, r.stderr.toString('utf8'));
  return facts;
}

/** The pg_dump of the server's own major version, else the oldest newer one, else the newest there is. */
export function chooseDumpClient(facts: Pick<PgSourceFacts, 'dumpClients' | 'version'>): { path: string; version: Version } | null {
  const sorted = [...facts.dumpClients].sort((a, b) => compareVersions(a.version, b.version));
  return sorted.find((d) => compareVersions(d.version, facts.version) >= 0) ?? sorted.at(-1) ?? null;
}

/** Starts pg_dump on the box: plain SQL on stdout, ownership left to whoever restores it; `schemaOnly` leaves the rows out (replication copies them). */
export function startPgDump(session: SshSession, source: PostgresSource, dumpPath: string, signal?: AbortSignal, schemaOnly = false): ExecStream {
  const body = `${PG_CONNECT}\nsky_pg "$5" --format=plain --no-owner --no-publications --no-subscriptions --no-security-labels --no-tablespaces --encoding=UTF8${schemaOnly ? ' --schema-only' : ''} -d "$sky_db" </dev/null`;
  return streamScript(session, body, [...pgScriptArgs(source), dumpPath], { signal });
}

/** Runs SQL on the source (as the database's OS user) and returns its tab-separated rows. */
export async function pgSourceQuery(session: SshSession, source: PostgresSource, psql: string, sql: string, signal?: AbortSignal): Promise<string[][]> {
  const r = await runScript(session, psqlScript(sql), [...pgScriptArgs(source), psql], { signal });
  if (r.code !== 0) throw sourceFailure(session.label, source, r.stderr.toString('utf8'));
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
