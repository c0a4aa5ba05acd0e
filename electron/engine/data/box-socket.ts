import type { SshSession } from '../ssh/index.js';
import { runScript } from './remote.js';

/*
 * The unix socket of a database server the plan knows only by its TCP port: logging in over the
 * socket is what lets root (MariaDB's unix_socket auth) or the postgres OS user (peer auth) in
 * without a password, and packages put the socket in different places. PostgreSQL names its
 * socket after the port; for MySQL/MariaDB the listening process is found by its port and its
 * listening unix socket by inode. $1: engine, $2: port.
 */
const FIND = String.raw`
sky_port=$2
if [ "$1" = postgres ]; then
  awk -v want=".s.PGSQL.$sky_port" '$8 ~ /^\// { n = split($8, p, "/"); if (p[n] == want) { print $8; exit } }' /proc/net/unix
  exit 0
fi
sky_pid=$(ss -Hltnp "sport = :$sky_port" 2>/dev/null | sed -n 's/.*pid=\([0-9][0-9]*\).*/\1/p' | head -n 1)
[ -n "$sky_pid" ] || exit 0
sky_inodes=$(ls -l "/proc/$sky_pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9][0-9]*\)\]$/\1/p' | tr '\n' ' ')
awk -v list=" $sky_inodes " '$6 == "01" && $8 ~ /^\// && index(list, " " $7 " ") { print $8; exit }' /proc/net/unix
`;

/** The unix socket path of the PostgreSQL or MySQL/MariaDB server listening on `port` on the box, or null when none is found. */
export async function findServerSocket(session: SshSession, engine: 'postgres' | 'mysql', port: number, signal?: AbortSignal): Promise<string | null> {
  const r = await runScript(session, FIND, [engine, String(port)], { timeoutMs: 30_000, signal });
  const path = r.stdout.toString('utf8').trim().split('\n')[0] ?? '';
  return path.startsWith('/') ? path : null;
}
