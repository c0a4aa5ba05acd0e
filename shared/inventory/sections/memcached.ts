import type { MemcachedServer } from '../../schema/inventory.js';
import { toInt } from '../parse-records.js';
import { SH_PROC, SH_SEND } from '../probe-shell.js';
import type { ProbeSection } from '../section.js';
import { keyValues, readTagged, serverRecords, toPort, valueOf, type TaggedLine } from '../tagged-lines.js';

/*
 * Output per memcached process: `server <pid>`, `port`, `listen`, `mem` (MB, from -p / -l / -m
 * and their long forms; port 11211 by default), then `stats` followed by the reply to
 * `stats` (`| STAT name value` lines), asked over a socket with perl; `fail <why>` otherwise.
 */
const BODY = String.raw`
sky_val() { echo "$1" | sed 's/^[^=]*=//'; }
for sky_p in $(sky_pids memcached); do
  echo "server $sky_p"
  set -f; set -- $(sky_title "$sky_p"); set +f
  sky_port=11211; sky_l=; sky_m=
  [ $# -gt 0 ] && shift
  while [ $# -gt 0 ]; do
    case $1 in
      -p) [ $# -gt 1 ] && { sky_port=$2; shift; } ;;
      -p[0-9]*) sky_port=$(echo "$1" | cut -c3-) ;;
      --port=*) sky_port=$(sky_val "$1") ;;
      -l) [ $# -gt 1 ] && { sky_l=$2; shift; } ;;
      --listen=*) sky_l=$(sky_val "$1") ;;
      -m) [ $# -gt 1 ] && { sky_m=$2; shift; } ;;
      -m[0-9]*) sky_m=$(echo "$1" | cut -c3-) ;;
      --memory-limit=*) sky_m=$(sky_val "$1") ;;
    esac
    shift
  done
  echo "port $sky_port"
  echo "listen $sky_l"
  echo "mem $sky_m"
  sky_host=$(echo "$sky_l" | cut -d, -f1)
  case $sky_host in *:*:*) ;; *:*) sky_host=$(echo "$sky_host" | sed 's/:[0-9]*$//') ;; esac
  case $sky_host in ''|'*'|0.0.0.0|::) sky_host=127.0.0.1 ;; esac
  if sky_has perl; then
    echo stats
    sky_send "$sky_host" "$sky_port" 'stats\r\nquit\r\n' </dev/null | sky_raw
  else
    echo "fail perl is not on the box to ask memcached for its stats"
  fi
done
`;

function serverOf(record: TaggedLine[]): MemcachedServer {
  const reply = record.find((l) => l.tag === 'stats')?.raw ?? [];
  const stats = keyValues(
    reply.filter((l) => l.startsWith('STAT ')).map((l) => l.slice(5)),
    /\s+/,
  );
  const memMb = toInt(valueOf(record, 'mem') ?? undefined);
  const failure = valueOf(record, 'fail');
  return {
    version: stats.get('version') ?? null,
    port: toPort(valueOf(record, 'port')) ?? 11211,
    pid: toInt(stats.get('pid')) ?? toInt(record[0]!.value),
    limitBytes: toInt(stats.get('limit_maxbytes')) ?? (memMb !== null ? memMb * 1024 * 1024 : null),
    items: toInt(stats.get('curr_items')),
    unreadable: stats.size > 0 ? null : (failure ?? 'no reply to `stats`'),
  };
}

export const memcachedSection: ProbeSection = {
  name: 'memcached',
  timeoutSeconds: 20,
  script: [SH_PROC, SH_SEND, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const servers = serverRecords(readTagged(raw.text), ctx, serverOf, (s) => `memcached on port ${s.port ?? '?'} (version, memory, items)`);
    draft.caches.memcached.push(...servers);
  },
};
