import type { PostgresServer } from '../../schema/inventory.js';
import { toInt } from '../parse-records.js';
import { SH_PROC } from '../probe-shell.js';
import type { ProbeSection } from '../section.js';
import { readTagged, serverRecords, toPort, valueOf, type TaggedLine } from '../tagged-lines.js';

/*
 * Output per running postmaster: `server <pid>`, `owner`, `binversion <postgres --version>`
 * (only when the binary is root's or the prober's own),
 * `datadir`, `port`, `sockdir` (from the arguments, postmaster.pid, postgresql.conf, defaults),
 * then — queried through the unix socket as the server's OS user — `set <name>|<value>`,
 * `db <bytes>|<owner>|<name>`, `ext <name>|<version>|<db>`, or `fail <error>`.
 * Without a running server: `cluster <pg_lsclusters line>` for each configured cluster.
 */
const BODY = String.raw`
sky_val() { echo "$1" | sed 's/^[^=]*=//'; }
sky_conf_get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*'\{0,1\}\([^,' #]*\).*/\1/p" | tail -n 1; }
sky_all=" $(sky_pids postgres postmaster | tr '\n' ' ') "
sky_found=
for sky_p in $sky_all; do
  case $sky_all in *" $(sky_ppid "$sky_p") "*) continue ;; esac
  sky_found=1
  echo "server $sky_p"
  sky_u=$(sky_owner "$sky_p"); [ -n "$sky_u" ] || sky_u=postgres
  echo "owner $sky_u"
  set -f; set -- $(sky_title "$sky_p"); set +f
  sky_bin=$1; sky_D=; sky_P=; sky_K=; sky_CF=
  [ $# -gt 0 ] && shift
  while [ $# -gt 0 ]; do
    sky_a=$1
    case $1 in
      -D) [ $# -gt 1 ] && { sky_D=$2; shift; } ;;
      -p) [ $# -gt 1 ] && { sky_P=$2; shift; } ;;
      -k) [ $# -gt 1 ] && { sky_K=$2; shift; } ;;
      -c) [ $# -gt 1 ] && { sky_a=--$2; shift; } ;;
    esac
    case $sky_a in
      --port=*) sky_P=$(sky_val "$sky_a") ;;
      --config_file=*|--config-file=*) sky_CF=$(sky_val "$sky_a") ;;
      --unix_socket_directories=*|--unix-socket-directories=*) sky_K=$(sky_val "$sky_a") ;;
      --data_directory=*|--data-directory=*) [ -n "$sky_D" ] || sky_D=$(sky_val "$sky_a") ;;
    esac
    shift
  done
  case $sky_bin in /*) ;; *) sky_bin=$(sky_exe "$sky_p") ;; esac
  sky_trusted "$sky_bin" && echo "binversion $("$sky_bin" --version 2>/dev/null </dev/null | head -n 1)"
  [ -n "$sky_D" ] || sky_D=$(readlink "/proc/$sky_p/cwd" 2>/dev/null)
  # Files named by the server's arguments are read as the server's user, never as root.
  sky_read() { sky_as "$sky_u" cat "$1" 2>/dev/null </dev/null; }
  sky_pidf=
  [ -n "$sky_D" ] && sky_pidf=$(sky_read "$sky_D/postmaster.pid")
  [ -n "$sky_CF" ] || sky_CF=$sky_D/postgresql.conf
  sky_conf=$(sky_read "$sky_CF")
  [ -n "$sky_P" ] || sky_P=$(printf '%s\n' "$sky_pidf" | sed -n 4p)
  [ -n "$sky_P" ] || sky_P=$(printf '%s\n' "$sky_conf" | sky_conf_get port)
  case $sky_P in ''|*[!0-9]*) sky_P=5432 ;; esac
  sky_k1=$(printf '%s\n' "$sky_pidf" | sed -n 5p)
  [ -n "$sky_k1" ] || sky_k1=$(echo "$sky_K" | cut -d, -f1 | tr -d ' ')
  [ -n "$sky_k1" ] || sky_k1=$(printf '%s\n' "$sky_conf" | sky_conf_get unix_socket_directories)
  for sky_k in "$sky_k1" /var/run/postgresql /tmp; do
    [ -n "$sky_k" ] && [ -S "$sky_k/.s.PGSQL.$sky_P" ] && { sky_k1=$sky_k; break; }
  done
  [ -n "$sky_k1" ] || sky_k1=/var/run/postgresql
  echo "datadir $sky_D"
  echo "port $sky_P"
  echo "sockdir $sky_k1"
  sky_psql=$(dirname "$sky_bin")/psql
  [ -x "$sky_psql" ] || sky_psql=psql
  sky_pg() { sky_as "$sky_u" $sky_tmo "$sky_psql" -h "$sky_k1" -p "$sky_P" -XAtq "$@" </dev/null 2>&1; }
  if sky_out=$(sky_pg -d postgres -c "select name || '|' || setting from pg_settings where name in ('server_version', 'wal_level', 'listen_addresses', 'max_connections', 'data_directory', 'port')"); then
    printf '%s\n' "$sky_out" | sed 's/^/set /'
    sky_dbs=$(sky_pg -d postgres -c "select pg_database_size(oid) || '|' || pg_get_userbyid(datdba) || '|' || datname from pg_database where datallowconn and not datistemplate order by pg_database_size(oid) desc limit 100")
    printf '%s\n' "$sky_dbs" | sed -n 's/^[0-9]/db &/p'
    printf '%s\n' "$sky_dbs" | sed -n 's/^[0-9]*|[^|]*|//p' | head -n 50 | while IFS= read -r sky_db; do
      case $sky_db in *=*) continue ;; esac
      sky_pg -d "$sky_db" -c "select extname || '|' || extversion from pg_extension" | awk -v d="$sky_db" '/\|/ { print "ext " $0 "|" d }'
    done
  else
    echo "fail $(printf '%s\n' "$sky_out" | grep . | head -n 1)"
  fi
done
if [ -z "$sky_found" ] && sky_has pg_lsclusters; then
  pg_lsclusters -h 2>/dev/null </dev/null | sed 's/^/cluster /'
fi
`;

function serverOf(record: TaggedLine[], privilege: string): PostgresServer {
  const settings = new Map<string, string>();
  for (const l of record) {
    if (l.tag !== 'set') continue;
    const i = l.value.indexOf('|');
    if (i > 0) settings.set(l.value.slice(0, i), l.value.slice(i + 1));
  }
  const databases: PostgresServer['databases'] = [];
  for (const l of record) {
    const m = /^(\d+)\|([^|]*)\|(.*)$/.exec(l.value);
    if (l.tag === 'db' && m) databases.push({ name: m[3]!, owner: m[2] || null, sizeBytes: toInt(m[1]), extensions: [] });
  }
  for (const l of record) {
    const m = /^([^|]+)\|([^|]*)\|(.*)$/.exec(l.value);
    if (l.tag === 'ext' && m) databases.find((d) => d.name === m[3])?.extensions.push({ name: m[1]!, version: m[2]! });
  }
  const fail = record.find((l) => l.tag === 'fail');
  const queried = settings.size > 0;
  const binVersion = /\(PostgreSQL\)\s+(\S+)/.exec(valueOf(record, 'binversion') ?? '')?.[1] ?? null;
  let unreadable: string | null = null;
  if (!queried) {
    const why = fail?.value.trim() || 'no answer';
    unreadable =
      privilege === 'user' || /sudo|password is required|not allowed|may not run/i.test(why)
        ? `needs root, sudo to postgres, or credentials (${why.slice(0, 200)})`
        : `could not query the server: ${why.slice(0, 300)}`;
  }
  return {
    version: settings.get('server_version')?.split(' ')[0] ?? binVersion,
    port: toPort(settings.get('port')) ?? toPort(valueOf(record, 'port')),
    dataDir: settings.get('data_directory') ?? valueOf(record, 'datadir'),
    pid: toInt(record[0]!.value),
    listenAddresses: settings.get('listen_addresses') ?? null,
    walLevel: settings.get('wal_level') ?? null,
    maxConnections: toInt(settings.get('max_connections')),
    databases,
    unreadable,
  };
}

/** `15 main 5432 down postgres /var/lib/postgresql/15/main /var/log/...` (pg_lsclusters -h). */
function clusterOf(line: string): PostgresServer | null {
  const [version, name, port, status, , dataDir] = line.trim().split(/\s+/);
  if (!version || !name || !status) return null;
  return {
    version,
    port: toPort(port),
    dataDir: dataDir ?? null,
    pid: null,
    listenAddresses: null,
    walLevel: null,
    maxConnections: null,
    databases: [],
    unreadable: `cluster ${version}/${name} is ${status}: no running server process was found`,
  };
}

export const postgresSection: ProbeSection = {
  name: 'postgres',
  timeoutSeconds: 45,
  script: [SH_PROC, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const lines = readTagged(raw.text);
    const servers = serverRecords(lines, ctx, (record) => serverOf(record, ctx.privilege), (s) => `PostgreSQL on port ${s.port ?? '?'} (databases, sizes, extensions)`);
    draft.databases.postgres.push(...servers);
    for (const l of lines) {
      const cluster = l.tag === 'cluster' ? clusterOf(l.value) : null;
      if (cluster) draft.databases.postgres.push(cluster);
    }
  },
};
