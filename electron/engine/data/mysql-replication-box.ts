import { DataError, scrub } from '../../../shared/data/data-error.js';
import { mysqlLiteral } from '../../../shared/data/identifiers.js';
import type { SshSession } from '../ssh/index.js';
import type { BinlogCoordinates } from './mysql-replication-coordinates.js';
import { mysqlSourceQuery, type MysqlSourceAccess, type MysqlSourceFacts } from './mysql-source.js';

/** The box's side of binlog replication, through the same SSH-run client as the dump. */

export interface BoxReplicationFacts {
  /** The server variables replication depends on (missing ones absent: `have_ssl` is gone in MySQL 8.4). */
  vars: Record<string, string>;
  /** User databases on the server besides system ones: all of them reach the target's binary-log stream. */
  databases: string[];
}

const VARIABLES = ['log_bin', 'binlog_format', 'server_id', 'bind_address', 'skip_networking', 'have_ssl', 'gtid_mode', 'port'];
const SYSTEM_DATABASES = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/** The box and the client login every query here runs through. */
export interface BoxAccess {
  session: SshSession;
  access: MysqlSourceAccess;
  facts: MysqlSourceFacts;
  signal?: AbortSignal;
}

export async function boxReplicationFacts(box: BoxAccess): Promise<BoxReplicationFacts> {
  const sql = `show global variables where variable_name in (${VARIABLES.map(mysqlLiteral).join(', ')});
select 'database', hex(schema_name) from information_schema.schemata where schema_name not in (${SYSTEM_DATABASES.map(mysqlLiteral).join(', ')});`;
  const rows = await mysqlSourceQuery(box.session, box.access, box.facts, sql, box.signal);
  const out: BoxReplicationFacts = { vars: {}, databases: [] };
  for (const [name = '', value = ''] of rows) {
    if (name === 'database') out.databases.push(Buffer.from(value, 'hex').toString('utf8'));
    else out.vars[name.toLowerCase()] = value;
  }
  return out;
}

/** Where the box's binary log ends now; null when binary logging is off. */
export async function boxBinlogPosition(box: BoxAccess): Promise<BinlogCoordinates | null> {
  let rows: string[][];
  try {
    rows = await mysqlSourceQuery(box.session, box.access, box.facts, 'show master status', box.signal);
  } catch (err) {
    // MySQL 8.4 removed SHOW MASTER STATUS for SHOW BINARY LOG STATUS.
    rows = await mysqlSourceQuery(box.session, box.access, box.facts, 'show binary log status', box.signal).catch(() => Promise.reject(err));
  }
  const [file, position] = rows[0] ?? [];
  return file && position ? { file, position: Number(position) } : null;
}

/**
 * `'user'@'host'` for SQL. Account names and passwords take only plain quoted strings (no hex
 * literals), so they are limited to characters that need no escaping in any sql_mode.
 */
const PLAIN = /^[\w.%-]+$/;
function plain(s: string, what: string): string {
  if (!PLAIN.test(s)) throw new DataError('BAD_NAME', `the replication ${what}${what === 'password' ? '' : ` "${s}"`} may hold only letters, digits, _ . % -`, `choose another replication ${what}`);
  return `'${s}'`;
}
const account = (user: string, host: string): string => `${plain(user, 'user')}@${plain(host, 'host')}`;

/** The server's own words from the client's error output (the client echoes the failed statement: never passed on). */
function serverError(err: unknown): string {
  const words = /ERROR \d+ \(\w+\)(?: at line \d+)?: [^/]*/.exec((err as Error).message)?.[0]?.trim() ?? 'the client failed';
  // A syntax error quotes the statement ("near '…'"), perhaps a cut-off password: left out.
  return words.replace(/ near '[\s\S]*$/, ' (statement withheld)');
}

/**
 * Creates (or gives a new password to) the account the target replicates as, with REPLICATION
 * SLAVE only. Kept out of the box's binary log (sql_log_bin = 0): the password hash never
 * travels to the target, and the statement cannot break the stream. The password arrives in the
 * script's stdin, never on a command line.
 */
export async function ensureReplicationUser(box: BoxAccess, user: string, host: string, password: string, requireTls: boolean): Promise<void> {
  const who = account(user, host);
  const sql = `set session sql_log_bin = 0;
create user if not exists ${who} identified by ${plain(password, 'password')};
alter user ${who} identified by ${plain(password, 'password')} require ${requireTls ? 'ssl' : 'none'};
grant replication slave on *.* to ${who};`;
  try {
    await mysqlSourceQuery(box.session, box.access, box.facts, sql, box.signal);
  } catch (err) {
    throw new DataError(
      'REPLICATION_PRECONDITION',
      `cannot create the replication user ${user}@${host} on ${box.session.label}: ${scrub(serverError(err), [password])}`,
      'Skylift logs in as root over the socket (or Debian\'s maintenance account) to do this; give it a login that may CREATE USER, GRANT REPLICATION SLAVE and SET sql_log_bin',
    );
  }
}

export async function dropReplicationUser(box: BoxAccess, user: string, host: string): Promise<void> {
  try {
    await mysqlSourceQuery(box.session, box.access, box.facts, `set session sql_log_bin = 0;\ndrop user if exists ${account(user, host)};`, box.signal);
  } catch (err) {
    throw new DataError('SOURCE_UNAVAILABLE', `cannot remove the replication user ${user}@${host} on ${box.session.label}: ${serverError(err)}`, 'DROP USER it on the box by hand');
  }
}

/** Rows per table on the box, in `tables` order. */
export async function boxRowCounts(box: BoxAccess, sql: string): Promise<Map<number, number>> {
  const rows = await mysqlSourceQuery(box.session, box.access, box.facts, sql, box.signal);
  return new Map(rows.map(([i, n]) => [Number(i), Number(n)]));
}
