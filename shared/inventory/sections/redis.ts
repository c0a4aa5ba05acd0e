import type { RedisServer } from '../../schema/inventory.js';
import { toInt } from '../parse-records.js';
import { SH_PROC, SH_SEND } from '../probe-shell.js';
import type { ProbeSection } from '../section.js';
import { keyValues, readTagged, serverRecords, toPort, type TaggedLine } from '../tagged-lines.js';

/*
 * Output per redis-server / valkey-server process: `server <pid>`, `addr <host>:<port>` (from the
 * process title, which Redis sets to its bind address), then `info` and `config` each followed
 * by the reply as `| ` lines: INFO, and CONFIG GET save. Asked with redis-cli, or — without
 * it — over a plain socket with perl (`via perl`, replies then carry RESP framing lines).
 */
const BODY = String.raw`
for sky_p in $(sky_pids redis-server valkey-server); do
  echo "server $sky_p"
  sky_hp=$(sky_title "$sky_p" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /:[0-9]+$/) { print $i; exit } }')
  [ -n "$sky_hp" ] || sky_hp="127.0.0.1:6379"
  echo "addr $sky_hp"
  sky_port=$(echo "$sky_hp" | sed 's/.*://')
  sky_host=$(echo "$sky_hp" | sed 's/:[0-9]*$//; s/^\[//; s/\]$//')
  case $sky_host in ''|'*'|0.0.0.0|::) sky_host=127.0.0.1 ;; esac
  if sky_has redis-cli; then
    echo "via redis-cli"
    echo info
    $sky_tmo redis-cli -h "$sky_host" -p "$sky_port" INFO 2>&1 </dev/null | sky_raw
    echo config
    $sky_tmo redis-cli -h "$sky_host" -p "$sky_port" CONFIG GET save 2>&1 </dev/null | sky_raw
  elif sky_has perl; then
    echo "via perl"
    echo info
    sky_send "$sky_host" "$sky_port" 'INFO\r\nQUIT\r\n' </dev/null | sky_raw
    echo config
    sky_send "$sky_host" "$sky_port" 'CONFIG GET save\r\nQUIT\r\n' </dev/null | sky_raw
  else
    echo "fail neither redis-cli nor perl on the box"
  fi
done
`;

/** Drops RESP framing (`$123`, `*2`, `+OK`) so perl's raw replies read like redis-cli's. */
function replyLines(record: TaggedLine[], tag: string): string[] {
  return (record.find((l) => l.tag === tag)?.raw ?? []).filter((l) => !/^([$*]-?\d+|\+OK)$/.test(l.trim()));
}

function serverOf(record: TaggedLine[]): RedisServer {
  const info = replyLines(record, 'info');
  const kv = keyValues(info, /:/);
  const addrPort = toPort(/:(\d+)$/.exec(record.find((l) => l.tag === 'addr')?.value ?? '')?.[1]);
  const keyspace: RedisServer['keyspace'] = [];
  for (const [k, v] of kv) {
    const db = /^db(\d+)$/.exec(k);
    const keys = /keys=(\d+)/.exec(v);
    const expires = /expires=(\d+)/.exec(v);
    if (db && keys) keyspace.push({ db: Number(db[1]), keys: Number(keys[1]), expires: expires ? Number(expires[1]) : 0 });
  }
  const config = replyLines(record, 'config');
  const saveAt = config.findIndex((l) => l.trim() === 'save');
  const save = saveAt >= 0 ? config[saveAt + 1] : undefined;
  const aof = kv.get('aof_enabled');
  // Without CONFIG (renamed away on some boxes), a snapshot already taken still shows RDB is in use.
  const rdbSaved = (toInt(kv.get('rdb_saves')) ?? 0) > 0 || (kv.get('rdb_last_bgsave_time_sec') ?? '-1') !== '-1';
  const text = info.join('\n');
  const failure = record.find((l) => l.tag === 'fail')?.value;
  let unreadable: string | null = null;
  if (/NOAUTH|Authentication required|WRONGPASS/i.test(text)) unreadable = 'requires a password (requirepass)';
  else if (failure) unreadable = failure;
  else if (!kv.has('redis_version') && !kv.has('valkey_version')) unreadable = `no INFO reply${text.trim() ? `: ${text.trim().slice(0, 200)}` : ''}`;
  return {
    version: kv.get('redis_version') ?? kv.get('valkey_version') ?? null,
    port: toPort(kv.get('tcp_port')) ?? addrPort,
    pid: toInt(kv.get('process_id')) ?? toInt(record[0]!.value),
    usedMemoryBytes: toInt(kv.get('used_memory')),
    maxmemoryBytes: toInt(kv.get('maxmemory')),
    maxmemoryPolicy: kv.get('maxmemory_policy') ?? null,
    keyspace,
    persistence: aof === undefined && save === undefined ? null : { rdb: save !== undefined ? save.trim() !== '' : rdbSaved, aof: aof === '1' },
    unreadable,
  };
}

export const redisSection: ProbeSection = {
  name: 'redis',
  timeoutSeconds: 30,
  script: [SH_PROC, SH_SEND, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const servers = serverRecords(readTagged(raw.text), ctx, serverOf, (s) => `Redis on port ${s.port ?? '?'} (memory, keys, persistence)`);
    draft.caches.redis.push(...servers);
  },
};
