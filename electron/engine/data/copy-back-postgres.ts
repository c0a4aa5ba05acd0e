import { DataError } from '../../../shared/data/data-error.js';
import { checkPgName } from '../../../shared/data/identifiers.js';
import { postgresVersion } from '../../../shared/data/versions.js';
import type { PostgresSource } from '../../../shared/schema/data.js';
import { COPY_BACK_FLOW, copyBackOutcome, passwordLines, withRdsOnBox, type CopyBackOptions, type CopyBackResult } from './copy-back.js';
import { assertVerified } from './copy-data.js';
import { heredoc, runScript } from './remote.js';
import { chooseDumpClient, PG_CONNECT, pgConninfo, pgScriptArgs, pgSourceFacts } from './pg-source.js';
import { connectPg, pgServerVersion } from './pg-target.js';
import { verifyPostgres } from './verify-postgres.js';

/**
 * Empties every table of the box's database (not those an extension owns) with triggers and
 * foreign keys off for the session, ahead of the data-only dump of RDS; the whole load is one
 * transaction (psql --single-transaction), read-write even while the freeze holds the box's
 * server read-only (the freeze is undone after the copy-back).
 */
const PREFIX = String.raw`SET TRANSACTION READ WRITE;
SET session_replication_role = replica;
DO $skylift$ DECLARE t text; BEGIN
  FOR t IN SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  LOOP EXECUTE 'TRUNCATE ' || t || ' CASCADE'; END LOOP;
END $skylift$;`;

/** PG_CONNECT's four arguments, then: psql, pg_dump for the box, pg_dump for RDS, migration, backup name, RDS host, port, user, conninfo. */
function script(password: string | null): string {
  const prefix = heredoc(PREFIX);
  return `${PG_CONNECT}
sky_psql=$5; sky_boxdump=$6; sky_rdsdump=$7; sky_mig=$8; sky_name=$9
sky_rh=\${10}; sky_rp=\${11}; sky_ru=\${12}; sky_rdb=\${13}
${passwordLines(password)}
sky_backup_cmd() { sky_pg "$sky_boxdump" --format=custom -d "$sky_db"; }
sky_rds_cmd() { PGPASSWORD=$sky_pw PGCONNECT_TIMEOUT=20 "$sky_rdsdump" -h "$sky_rh" -p "$sky_rp" -U "$sky_ru" --data-only --no-owner --no-privileges --no-publications --no-subscriptions --no-security-labels --encoding=UTF8 -d "$sky_rdb"; }
sky_restore_cmd() { { cat ${prefix.open}
${prefix.body}cat; } | sky_pg "$sky_psql" -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$sky_db" -f -; }
${COPY_BACK_FLOW}`;
}

/** The RDS database's rows replace the box's (saved to a file first), then both are compared table by table. */
export async function copyBackPostgres(opts: CopyBackOptions<PostgresSource>): Promise<CopyBackResult> {
  const { session, box, from } = opts;
  const database = checkPgName(box.database);
  const facts = await pgSourceFacts(session, box, opts.signal);
  const client = (await connectPg(from, from.database ?? database))!;
  const rdsVersion = await pgServerVersion(client).finally(() => client.end());
  const rds = postgresVersion(rdsVersion) ?? facts.version;
  const boxDump = chooseDumpClient(facts);
  const rdsDump = chooseDumpClient({ dumpClients: facts.dumpClients, version: rds });
  if (!boxDump || !rdsDump || rdsDump.version.key[0]! < rds.key[0]!) {
    throw new DataError('DUMP_CLIENT_MISSING', `no pg_dump on ${session.label} that can dump PostgreSQL ${rds.text} (RDS)`, `install postgresql-client-${rds.key[0]} on the box, then run rollback again`);
  }
  opts.onEvent?.({ type: 'notice', level: 'info', message: `copying ${database} back from ${from.masked} to ${session.label}` });
  const args = (port: number) => [...pgScriptArgs(box), facts.psql, boxDump.path, rdsDump.path, opts.migration, `postgres-${database}.dump`, '127.0.0.1', String(port), from.user ?? '', pgConninfo(from.database ?? database)];
  const r = await withRdsOnBox(session, from, (port) => runScript(session, script(from.password), args(port), { signal: opts.signal }));
  const backup = copyBackOutcome(r.stdout.toString('utf8'), r.stderr, r.code, `PostgreSQL database ${database}`, session.label);
  const verify = await verifyPostgres({ session, source: box, target: { ...from, database: from.database ?? database }, onEvent: opts.onEvent, signal: opts.signal });
  assertVerified(verify);
  return { database, backup, verify };
}
