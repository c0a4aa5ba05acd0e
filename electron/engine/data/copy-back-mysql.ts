import { quote } from 'shell-quote';
import { DataError } from '../../../shared/data/data-error.js';
import { checkMysqlName } from '../../../shared/data/identifiers.js';
import type { MysqlSource } from '../../../shared/schema/data.js';
import { COPY_BACK_FLOW, copyBackOutcome, passwordLines, withRdsOnBox, type CopyBackOptions, type CopyBackResult } from './copy-back.js';
import { assertVerified } from './copy-data.js';
import { mysqlConnectScript, mysqlDumpFlags, mysqlScriptArgs, mysqlSourceFacts } from './mysql-source.js';
import { runScript } from './remote.js';
import { verifyMysql } from './verify-mysql.js';

/*
 * Rows only (no CREATE, no triggers, no LOCK TABLES or ALTER … DISABLE KEYS: each would commit
 * the transaction), with column names, so the box's tables take them whatever their column
 * order. The box's rows are deleted (not truncated: TRUNCATE commits) in the same transaction.
 * MyISAM tables are not transactional: a failed load leaves them as far as it got (the backup
 * file has them as they were).
 */
const ROWS_ONLY = ['--no-create-info', '--skip-triggers', '--skip-add-locks', '--skip-disable-keys', '--complete-insert'];

const DELETES_SQL = "select concat('DELETE FROM `', replace(table_name, '`', '``'), '`;') from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE';";

/** mysqlConnectScript's six arguments, then: dump client, migration, backup name, RDS host, port, user, database. */
function script(password: string | null, boxFlags: string[], rdsFlags: string[]): string {
  return `${mysqlConnectScript(undefined)}
sky_dump=$7; sky_mig=$8; sky_name=$9
sky_rh=\${10}; sky_rp=\${11}; sky_ru=\${12}; sky_rdb=\${13}
${passwordLines(password)}
sky_backup_cmd() { sky_my "$sky_dump" ${quote(boxFlags)} --databases "$sky_db"; }
sky_rds_cmd() { MYSQL_PWD=$sky_pw "$sky_dump" --protocol=tcp -h "$sky_rh" -P "$sky_rp" -u"$sky_ru" ${quote(rdsFlags)} "$sky_rdb"; }
sky_load() {
  sky_del=$(sky_my "$sky_cli" -N -B -D "$sky_db" <<'SKYLIFT_SQL'
${DELETES_SQL}
SKYLIFT_SQL
) || return 1
  { printf 'SET autocommit = 0;\\nSET FOREIGN_KEY_CHECKS = 0;\\nSET UNIQUE_CHECKS = 0;\\n%s\\n' "$sky_del"; cat; printf 'COMMIT;\\n'; } | sky_my "$sky_cli" --default-character-set=utf8mb4 -D "$sky_db"
}
sky_restore_cmd() {
  # The freeze's super_read_only (MySQL) stops root too; read_only alone still keeps the app out while the rows load.
  sky_sro=$(sky_my "$sky_cli" -N -B -e 'SELECT @@global.super_read_only' 2>/dev/null </dev/null) || sky_sro=0
  [ "$sky_sro" = 1 ] && { sky_my "$sky_cli" -e 'SET GLOBAL super_read_only = OFF' </dev/null || return 1; }
  sky_load; sky_rc=$?
  [ "$sky_sro" = 1 ] && sky_my "$sky_cli" -e 'SET GLOBAL super_read_only = ON' </dev/null
  return $sky_rc
}
${COPY_BACK_FLOW}`;
}

/** The RDS database's rows replace the box's (saved to a file first), then both are compared table by table. */
export async function copyBackMysql(opts: CopyBackOptions<MysqlSource>): Promise<CopyBackResult> {
  const { session, box, from } = opts;
  const database = checkMysqlName(box.database);
  const access = { source: box };
  const facts = await mysqlSourceFacts(session, access, opts.signal);
  if (!facts.dumpClient) throw new DataError('DUMP_CLIENT_MISSING', `no mysqldump or mariadb-dump on ${session.label}`, 'install the client package of the server on the box, then run rollback again');
  const dump = facts.dumpClient.path;
  const flags = mysqlDumpFlags(facts, { myisam: null }).filter((f) => !['--routines', '--triggers', '--events'].includes(f));
  const boxFlags = mysqlDumpFlags(facts, { myisam: null });
  opts.onEvent?.({ type: 'notice', level: 'info', message: `copying ${database} back from ${from.masked} to ${session.label}` });
  const args = (port: number) => [...mysqlScriptArgs(access, facts.auth, facts.client), dump, opts.migration, `mysql-${database}.sql`, '127.0.0.1', String(port), from.user ?? '', from.database ?? database];
  const r = await withRdsOnBox(session, from, (port) => runScript(session, script(from.password, boxFlags, [...flags, ...ROWS_ONLY]), args(port), { signal: opts.signal }));
  const backup = copyBackOutcome(r.stdout.toString('utf8'), r.stderr, r.code, `MySQL database ${database}`, session.label);
  const verify = await verifyMysql({ session, source: box, target: { ...from, database: from.database ?? database }, onEvent: opts.onEvent, signal: opts.signal });
  assertVerified(verify);
  return { database, backup, verify };
}
