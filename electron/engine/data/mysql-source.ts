import { DataError } from '../../../shared/data/data-error.js';
import type { SourceTable } from '../../../shared/data/checksums.js';
import { checkMysqlName, mysqlLiteral } from '../../../shared/data/identifiers.js';
import { mysqlUpgradeFindings, zeroDateProbeSql, type MysqlCatalogFacts } from '../../../shared/data/mysql-upgrade-checks.js';
import { mysqlVersion, type MysqlFlavor, type Version } from '../../../shared/data/versions.js';
import type { MysqlSource, VersionFinding } from '../../../shared/schema/data.js';
import type { ExecStream, SshSession } from '../ssh/index.js';
import { heredoc, runScript, stderrTail, streamScript } from './remote.js';

/** How the client logs in on the box: a given user, root over the socket, Debian's maintenance account, or root through sudo. */
export type MysqlAuth = 'user' | 'root' | 'debian' | 'sudo';

export interface MysqlSourceFacts {
  server: { version: Version; flavor: MysqlFlavor; text: string };
  dumpClient: { path: string; version: Version; flavor: MysqlFlavor } | null;
  /** mariadb or mysql. */
  client: string;
  auth: MysqlAuth;
  charset: string;
  collation: string;
  tables: (SourceTable & { engine: string | null })[];
  catalog: MysqlCatalogFacts;
  views: number;
}

/*
 * Positional arguments: socket (may be empty), port (may be empty), user (may be empty),
 * database, auth method (empty: find one), client binary. The password, when there is one,
 * arrives in the script text (stdin), never in a command line. `sky_my BIN ARGS…` runs a client.
 */
export function mysqlConnectScript(password: string | undefined): string {
  const doc = password === undefined ? null : heredoc(password);
  const pw = doc ? `sky_pw=$(cat ${doc.open}\n${doc.body})\nMYSQL_PWD=$sky_pw; export MYSQL_PWD` : '';
  return String.raw`
sky_sock=$1; sky_port=$2; sky_user=$3; sky_db=$4; sky_auth=$5; sky_cli=$6
${pw}
sky_my() {
  sky_b=$1; shift
  if [ -n "$sky_sock" ]; then set -- --protocol=socket -S "$sky_sock" "$@"
  elif [ -n "$sky_port" ]; then set -- --protocol=tcp -h 127.0.0.1 -P "$sky_port" "$@"; fi
  case $sky_auth in
    user) "$sky_b" -u"$sky_user" "$@" ;;
    root) "$sky_b" -uroot "$@" ;;
    debian) "$sky_b" --defaults-file=/etc/mysql/debian.cnf "$@" ;;
    sudo) sudo -n "$sky_b" -uroot "$@" ;;
  esac
}
`;
}

const FIND = String.raw`
[ -n "$sky_cli" ] || { sky_has mariadb && sky_cli=mariadb; } || { sky_has mysql && sky_cli=mysql; }
[ -n "$sky_cli" ] || { echo "noclient"; exit 0; }
if [ -z "$sky_auth" ]; then
  if [ -n "$sky_user" ]; then sky_auth=user
  else
    for sky_a in root debian sudo; do
      case $sky_a in
        root) [ "$sky_uid" = 0 ] || continue ;;
        debian) [ -r /etc/mysql/debian.cnf ] || continue ;;
        sudo) [ "$sky_uid" != 0 ] || continue ;;
      esac
      sky_auth=$sky_a
      sky_err=$(sky_my "$sky_cli" -N -B -e 'select 1' 2>&1 >/dev/null </dev/null) && break
      sky_auth=
    done
  fi
fi
[ -n "$sky_auth" ] || { echo "noauth	$sky_err"; exit 0; }
echo "auth	$sky_auth"
echo "client	$sky_cli"
for sky_d in mariadb-dump mysqldump; do
  sky_has "$sky_d" && { echo "dump	$(command -v "$sky_d")	$("$sky_d" --version 2>/dev/null </dev/null | head -n 1)"; break; }
done
`;

function factsSql(database: string): string {
  const db = mysqlLiteral(database);
  return `select 'version', version();
select 'db', hex(default_character_set_name), hex(default_collation_name) from information_schema.schemata where schema_name = ${db};
select 'table', hex(t.table_name), coalesce(t.data_length, 0), coalesce(t.engine, ''), c.ordinal_position, hex(c.column_name), hex(c.data_type), coalesce(hex(c.column_default), '-')
  from information_schema.tables t join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
  where t.table_schema = ${db} and t.table_type = 'BASE TABLE' order by t.table_name, c.ordinal_position;
select 'program', routine_type, hex(routine_name), hex(sql_mode), hex(coalesce(routine_definition, '')) from information_schema.routines where routine_schema = ${db};
select 'program', 'TRIGGER', hex(trigger_name), hex(sql_mode), hex(action_statement) from information_schema.triggers where trigger_schema = ${db};
select 'program', 'EVENT', hex(event_name), hex(sql_mode), hex(event_definition) from information_schema.events where event_schema = ${db};
select 'views', count(*) from information_schema.views where table_schema = ${db};`;
}

const fromHex = (hex: string | undefined): string => (hex === undefined || hex === 'NULL' ? '' : Buffer.from(hex, 'hex').toString('utf8'));

export interface MysqlSourceAccess {
  source: MysqlSource;
  password?: string;
}

/** The positional arguments mysqlConnectScript reads. */
export function mysqlScriptArgs(a: MysqlSourceAccess, auth = '', client = ''): string[] {
  checkMysqlName(a.source.database);
  if (a.source.user !== undefined) checkMysqlName(a.source.user, 'user');
  return [a.source.socket ?? '', a.source.port === undefined ? '' : String(a.source.port), a.source.user ?? '', a.source.database, auth, client];
}

function parseFacts(out: string, database: string, label: string): MysqlSourceFacts {
  const facts: MysqlSourceFacts = {
    server: { version: { key: [0], text: '?' }, flavor: 'mysql', text: '' },
    dumpClient: null,
    client: 'mysql',
    auth: 'root',
    charset: 'utf8mb4',
    collation: '',
    tables: [],
    catalog: { columns: [], programs: [], zeroDateColumns: [] },
    views: 0,
  };
  let dbSeen = false;
  for (const line of out.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'auth':
        facts.auth = f[1] as MysqlAuth;
        break;
      case 'client':
        facts.client = f[1] ?? 'mysql';
        break;
      case 'dump': {
        const v = mysqlVersion(f[2] ?? '');
        if (f[1] && v) facts.dumpClient = { path: f[1], ...v };
        break;
      }
      case 'version': {
        const v = mysqlVersion(f[1] ?? '');
        if (v) facts.server = { ...v, text: f[1] ?? '' };
        break;
      }
      case 'db':
        dbSeen = true;
        facts.charset = fromHex(f[1]);
        facts.collation = fromHex(f[2]);
        break;
      case 'table': {
        const name = fromHex(f[1]);
        let t = facts.tables.at(-1);
        if (!t || t.name !== name) facts.tables.push((t = { schema: null, name, bytes: Number(f[2]) || 0, engine: f[3] || null, columns: [] }));
        const column = fromHex(f[5]);
        t.columns!.push(column);
        facts.catalog.columns.push({ table: name, column, dataType: fromHex(f[6]), columnDefault: f[7] === '-' ? null : fromHex(f[7]) });
        break;
      }
      case 'program':
        facts.catalog.programs.push({ kind: f[1] as MysqlCatalogFacts['programs'][number]['kind'], name: fromHex(f[2]), sqlMode: fromHex(f[3]), body: fromHex(f[4]) });
        break;
      case 'views':
        facts.views = Number(f[1]) || 0;
        break;
    }
  }
  if (!dbSeen) throw new DataError('SOURCE_UNAVAILABLE', `the ${facts.server.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} server on ${label} has no database "${database}"`, 'check --database against `skylift inventory` (databases.mysql[].schemas)');
  return facts;
}

export async function mysqlSourceFacts(session: SshSession, access: MysqlSourceAccess, signal?: AbortSignal): Promise<MysqlSourceFacts> {
  const doc = heredoc(factsSql(access.source.database));
  const body = `${mysqlConnectScript(access.password)}\n${FIND}\nsky_my "$sky_cli" -N -B --default-character-set=utf8mb4 ${doc.open}\n${doc.body}`;
  const r = await runScript(session, body, mysqlScriptArgs(access), { timeoutMs: 120_000, signal });
  const out = r.stdout.toString('utf8');
  if (/^noclient$/m.test(out)) {
    throw new DataError('DUMP_CLIENT_MISSING', `no mysql or mariadb client on ${session.label}`, 'install the client package of the server on the box (Debian/Ubuntu: mariadb-client or mysql-client)');
  }
  const noauth = /^noauth\t(.*)$/m.exec(out);
  if (noauth) {
    throw new DataError('SOURCE_UNAVAILABLE', `cannot log in to MySQL/MariaDB on ${session.label}: ${noauth[1] || 'no method worked'}`, 'log in as root (unix-socket login), or give --source-user with SKYLIFT_SOURCE_PASSWORD, or allow passwordless sudo for the SSH user');
  }
  if (!/^version\t/m.test(out)) {
    throw new DataError('SOURCE_UNAVAILABLE', `cannot query MySQL/MariaDB on ${session.label}: ${stderrTail(r.stderr) || 'no output'}`, 'check the socket or port (--source-socket, --source-port) and that the server runs');
  }
  return parseFacts(out, access.source.database, session.label);
}

/** Runs SQL on the source and returns its tab-separated rows. */
export async function mysqlSourceQuery(session: SshSession, access: MysqlSourceAccess, facts: MysqlSourceFacts, sql: string, signal?: AbortSignal): Promise<string[][]> {
  const doc = heredoc(sql);
  const body = `${mysqlConnectScript(access.password)}\nsky_my "$sky_cli" -N -B --default-character-set=utf8mb4 -D "$sky_db" ${doc.open}\n${doc.body}`;
  const r = await runScript(session, body, mysqlScriptArgs(access, facts.auth, facts.client), { signal });
  if (r.code !== 0) throw new DataError('SOURCE_UNAVAILABLE', `a query on ${session.label} failed: ${stderrTail(r.stderr)}`, 'check that the server runs and the database is readable');
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** What MySQL 8 would refuse or treat differently, from the catalog plus one probe for zero dates in the data. */
export async function mysqlSourceUpgradeFindings(session: SshSession, access: MysqlSourceAccess, facts: MysqlSourceFacts, signal?: AbortSignal): Promise<VersionFinding[]> {
  const probe = zeroDateProbeSql(facts.catalog.columns);
  const zero = probe ? await mysqlSourceQuery(session, access, facts, probe, signal) : [];
  return mysqlUpgradeFindings({ ...facts.catalog, zeroDateColumns: zero.map(([table, column]) => ({ table: table ?? '', column: column ?? '' })) });
}

export interface MysqlDumpOptions {
  /** Non-transactional tables: hold a read lock for the dump (`lock`), or dump without a consistent snapshot (`accept`). */
  myisam: 'lock' | 'accept' | null;
}

/** The dump tool's options, for this client and server. */
export function mysqlDumpFlags(facts: MysqlSourceFacts, opts: MysqlDumpOptions): string[] {
  const flags = ['--routines', '--triggers', '--events', '--hex-blob', '--default-character-set=utf8mb4', '--no-tablespaces', '--skip-comments'];
  flags.unshift(opts.myisam === 'lock' ? '--lock-tables' : '--single-transaction');
  const client = facts.dumpClient;
  if (client?.flavor === 'mysql' && client.version.key[0]! * 100 + client.version.key[1]! >= 506) flags.push('--set-gtid-purged=OFF');
  // mysqldump 8 asks for column statistics that MariaDB and MySQL 5.7 servers do not have.
  if (client?.flavor === 'mysql' && client.version.key[0]! >= 8 && (facts.server.flavor === 'mariadb' || facts.server.version.key[0]! < 8)) flags.push('--column-statistics=0');
  return flags;
}

export function startMysqlDump(session: SshSession, access: MysqlSourceAccess, facts: MysqlSourceFacts, flags: string[], signal?: AbortSignal): ExecStream {
  const body = `${mysqlConnectScript(access.password)}\nsky_dump=$7; shift 7\nsky_my "$sky_dump" "$@" "$sky_db" </dev/null`;
  return streamScript(session, body, [...mysqlScriptArgs(access, facts.auth, facts.client), facts.dumpClient!.path, ...flags], { signal });
}
