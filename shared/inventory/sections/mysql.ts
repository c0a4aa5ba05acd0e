import type { MysqlServer } from '../../schema/inventory.js';
import { toInt } from '../parse-records.js';
import { SH_PROC } from '../probe-shell.js';
import type { ProbeSection } from '../section.js';
import { readTagged, serverRecords, toPort, valueOf, type TaggedLine } from '../tagged-lines.js';

/*
 * Output per mysqld/mariadbd process: `server <pid>`, `comm`, `binversion`, `port`, `socket`,
 * `datadir` (from its arguments, else `my_print_defaults`, else the usual defaults), then the
 * client's batch rows as `var <name>\t<value>`, `schema <name>\t<tables>\t<bytes>`,
 * `engine <schema>\t<engine>\t<tables>` — or `fail <error>`. As OS root the client logs in as
 * root through the unix socket (unix_socket/auth_socket), then tries /etc/mysql/debian.cnf;
 * otherwise it uses whatever the probing user's own client config provides.
 */
const BODY = String.raw`
sky_val() { echo "$1" | sed 's/^[^=]*=//'; }
sky_sys="'information_schema','performance_schema','sys','mysql'"
sky_q="select 'var','version',@@version union all select 'var','version_comment',@@version_comment
 union all select 'var','log_bin',@@log_bin union all select 'var','binlog_format',@@binlog_format
 union all select 'var','server_id',@@server_id union all select 'var','max_connections',@@max_connections
 union all select 'var','sql_mode',@@sql_mode union all select 'var','datadir',@@datadir
 union all select 'var','port',@@port union all select 'var','socket',@@socket;
select 'schema', s.schema_name, count(t.table_name), coalesce(sum(t.data_length + t.index_length), 0)
 from information_schema.schemata s left join information_schema.tables t
 on t.table_schema = s.schema_name and t.table_type = 'BASE TABLE'
 where s.schema_name not in ($sky_sys) group by s.schema_name;
select 'engine', table_schema, coalesce(engine, '?'), count(*) from information_schema.tables
 where table_type = 'BASE TABLE' and table_schema not in ($sky_sys) group by table_schema, engine"
for sky_p in $(sky_pids mysqld mariadbd); do
  echo "server $sky_p"
  echo "comm $(cat "/proc/$sky_p/comm" 2>/dev/null)"
  set -f; set -- $(sky_title "$sky_p"); set +f
  sky_bin=$1; sky_port=; sky_sock=; sky_dd=; sky_df=
  [ $# -gt 0 ] && shift
  while [ $# -gt 0 ]; do
    case $1 in
      --port=*) sky_port=$(sky_val "$1") ;;
      -P) [ $# -gt 1 ] && { sky_port=$2; shift; } ;;
      --socket=*) sky_sock=$(sky_val "$1") ;;
      -S) [ $# -gt 1 ] && { sky_sock=$2; shift; } ;;
      --datadir=*) sky_dd=$(sky_val "$1") ;;
      -h) [ $# -gt 1 ] && { sky_dd=$2; shift; } ;;
      --defaults-file=*|--defaults-extra-file=*) sky_df=$1 ;;
    esac
    shift
  done
  case $sky_bin in /*) ;; *) sky_bin=$(sky_exe "$sky_p") ;; esac
  sky_trusted "$sky_bin" && echo "binversion $("$sky_bin" --version 2>/dev/null </dev/null | head -n 1)"
  if sky_has my_print_defaults; then
    sky_defs=$(my_print_defaults $sky_df mysqld server mariadb mariadbd 2>/dev/null </dev/null | grep -E '^--(port|socket|datadir)=')
    [ -n "$sky_port" ] || sky_port=$(printf '%s\n' "$sky_defs" | sed -n 's/^--port=//p' | tail -n 1)
    [ -n "$sky_sock" ] || sky_sock=$(printf '%s\n' "$sky_defs" | sed -n 's/^--socket=//p' | tail -n 1)
    [ -n "$sky_dd" ] || sky_dd=$(printf '%s\n' "$sky_defs" | sed -n 's/^--datadir=//p' | tail -n 1)
  fi
  case $sky_port in ''|*[!0-9]*) sky_port=3306 ;; esac
  if [ -z "$sky_sock" ]; then
    for sky_s in /run/mysqld/mysqld.sock /var/run/mysqld/mysqld.sock /var/lib/mysql/mysql.sock /tmp/mysql.sock; do
      [ -S "$sky_s" ] && { sky_sock=$sky_s; break; }
    done
  fi
  echo "port $sky_port"
  echo "socket $sky_sock"
  echo "datadir $sky_dd"
  sky_cli=mysql
  sky_has mariadb && sky_cli=mariadb
  if ! sky_has "$sky_cli"; then echo "fail no mysql or mariadb client on the box"; continue; fi
  # --local-infile=0: a server run by someone else must not be able to ask this client for local files.
  if [ -n "$sky_sock" ] && [ -S "$sky_sock" ]; then set -- --local-infile=0 --protocol=socket -S "$sky_sock"; else set -- --local-infile=0 --protocol=tcp -h 127.0.0.1 -P "$sky_port"; fi
  sky_ok=
  if [ "$sky_uid" = 0 ]; then
    sky_out=$($sky_tmo "$sky_cli" "$@" -uroot -N -B --connect-timeout=5 -e "$sky_q" 2>&1 </dev/null) && sky_ok=1
    if [ -z "$sky_ok" ] && [ -r /etc/mysql/debian.cnf ]; then
      sky_out2=$($sky_tmo "$sky_cli" --defaults-file=/etc/mysql/debian.cnf "$@" -N -B --connect-timeout=5 -e "$sky_q" 2>&1 </dev/null) && { sky_ok=1; sky_out=$sky_out2; }
    fi
  else
    sky_out=$($sky_tmo "$sky_cli" "$@" -N -B --connect-timeout=5 -e "$sky_q" 2>&1 </dev/null) && sky_ok=1
  fi
  if [ -n "$sky_ok" ]; then
    printf '%s\n' "$sky_out" | awk -F '\t' '$1 == "var" || $1 == "schema" || $1 == "engine" { print $1 " " substr($0, length($1) + 2) }'
  else
    echo "fail $(printf '%s\n' "$sky_out" | grep . | head -n 1)"
  fi
done
`;

function serverOf(record: TaggedLine[], privilege: string): MysqlServer {
  const vars = new Map<string, string>();
  const schemas: MysqlServer['schemas'] = [];
  for (const l of record) {
    const cols = l.value.split('\t');
    if (l.tag === 'var' && cols[0]) vars.set(cols[0], cols.slice(1).join('\t'));
    if (l.tag === 'schema' && cols.length >= 3 && cols[0]) {
      schemas.push({ name: cols[0], tables: toInt(cols[1]) ?? 0, sizeBytes: toInt(cols[2]), engines: {} });
    }
  }
  for (const l of record) {
    const [schema, engine, count] = l.value.split('\t');
    const target = l.tag === 'engine' ? schemas.find((s) => s.name === schema) : undefined;
    const n = toInt(count);
    if (target && engine && n !== null) target.engines[engine] = n;
  }
  const comm = valueOf(record, 'comm');
  const binVersion = valueOf(record, 'binversion');
  const version = vars.get('version') ?? /\bVer\s+(\S+)/.exec(binVersion ?? '')?.[1] ?? null;
  const mariadb = comm === 'mariadbd' || /mariadb/i.test(`${version ?? ''} ${binVersion ?? ''} ${vars.get('version_comment') ?? ''}`);
  const queried = vars.size > 0;
  const fail = valueOf(record, 'fail') ?? 'no answer';
  const logBin = vars.get('log_bin');
  return {
    flavor: mariadb ? 'mariadb' : 'mysql',
    version,
    port: toPort(vars.get('port')) ?? toPort(valueOf(record, 'port')),
    socket: vars.get('socket') || valueOf(record, 'socket'),
    dataDir: vars.get('datadir')?.replace(/(.)\/$/, '$1') || valueOf(record, 'datadir'),
    pid: toInt(record[0]!.value),
    binlog: logBin === undefined ? null : { enabled: logBin === '1' || logBin.toUpperCase() === 'ON', format: vars.get('binlog_format') || null },
    serverId: toInt(vars.get('server_id')),
    maxConnections: toInt(vars.get('max_connections')),
    sqlMode: vars.has('sql_mode') ? (vars.get('sql_mode') ?? '') : null,
    schemas,
    unreadable: queried
      ? null
      : privilege === 'user' || /access denied/i.test(fail)
        ? `needs root or sudo, or credentials (${fail.slice(0, 200)})`
        : `could not query the server: ${fail.slice(0, 300)}`,
  };
}

export const mysqlSection: ProbeSection = {
  name: 'mysql',
  timeoutSeconds: 45,
  script: [SH_PROC, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const servers = serverRecords(
      readTagged(raw.text),
      ctx,
      (record) => serverOf(record, ctx.privilege),
      (s) => `${s.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} on port ${s.port ?? '?'} (schemas, sizes, binlog settings)`,
    );
    draft.databases.mysql.push(...servers);
  },
};
