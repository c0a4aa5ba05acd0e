import type { Listener, Process } from '../../schema/inventory.js';
import { parseNetstatLine, parseProcNetLine, parseSsLine } from '../parse-listeners.js';
import { readRecords, restOf, toInt } from '../parse-records.js';
import { sh } from '../probe-sh-helpers.js';
import { redactSecrets } from '../redact.js';
import type { ProbeSection } from '../section.js';

/** Beyond this many processes the rest are dropped (a box with more is noted as partial). */
export const MAX_PROCESSES = 2000;
const MAX_COMMAND_CHARS = 4000;

/*
 * Lines: `ss|netstat <TAB> line`, `pnet <TAB> tcp|tcp6|udp|udp6 <TAB> line`,
 * `ps <TAB> pid ppid user args` (ps's own spacing, cut at MAX_COMMAND_CHARS; kernel threads —
 * children of kthreadd, pid 2 — are left out on the box), `cwd <TAB> /proc/PID <TAB> target`
 * (empty when unreadable), `absent <TAB> ps|ss|owners`.
 */
const script = sh`
# Listeners first: if a huge process list hits the output cap, they are not the part cut.
if sky_has ss; then
  { ss -H -lntup 2>/dev/null || ss -lntup 2>/dev/null; } | sed 's/^/ss\t/'
elif sky_has netstat; then
  # busybox's netstat has no -p: then the listeners come without owners.
  out=$(netstat -lntup 2>/dev/null) || { printf 'absent\towners\n'; out=$(netstat -lntu 2>/dev/null); }
  printf '%s\n' "$out" | sed 's/^/netstat\t/'
else
  printf 'absent\tss\n'
  for f in tcp tcp6 udp udp6; do
    [ -r "/proc/net/$f" ] && awk -v f="$f" '($4 == "0A" && f ~ /^tcp/) || ($4 == "07" && f ~ /^udp/) { print "pnet\t" f "\t" $0 }' "/proc/net/$f"
  done
fi
if sky_has ps; then
  { ps -ww -eo pid=,ppid=,user:32=,args= 2>/dev/null || ps -o pid,ppid,user,args 2>/dev/null; } |
    awk -v max=${MAX_PROCESSES + 1} -v w=${MAX_COMMAND_CHARS + 100} '$1 != 2 && $2 != 2 && n++ < max { print "ps\t" substr($0, 1, w) }'
else
  printf 'absent\tps\n'
  for d in /proc/[0-9]*; do
    args=$(tr '\0\n\t' '   ' < "$d/cmdline" 2>/dev/null)
    [ -n "$args" ] || continue
    st=$(awk '/^PPid:/ { p = $2 } /^Uid:/ { u = $2 } END { print p " " u }' "$d/status" 2>/dev/null)
    printf 'ps\t%s %s %s\n' "\${d#/proc/}" "$st" "$args"
  done
fi
if find /proc/self -maxdepth 0 -printf '' >/dev/null 2>&1; then
  find /proc -mindepth 2 -maxdepth 2 -name cwd -printf 'cwd\t%h\t%l\n' 2>/dev/null
else
  for d in /proc/[0-9]*; do printf 'cwd\t%s\t%s\n' "$d" "$(readlink "$d/cwd" 2>/dev/null)"; done
fi
exit 0
`;

/**
 * Redacts, then cuts a long command line at a word boundary: the box already cut it, and a
 * credential split by that cut (a URL missing its `@`) no longer looks like one, so the
 * word that runs past the limit is dropped whole.
 */
function clipCommand(args: string): string {
  const redacted = redactSecrets(args);
  if (redacted.length <= MAX_COMMAND_CHARS) return redacted;
  return `${redacted.slice(0, MAX_COMMAND_CHARS).replace(/\S*$/, '')}…`;
}

function parsePsLine(line: string): Process | null {
  const m = /^\s*(\d+)\s+(\d+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return null;
  const pid = toInt(m[1]);
  const ppid = toInt(m[2]);
  const args = (m[4] ?? '').trim();
  // Kernel threads: the shell skips them, this catches boxes where kthreadd is not pid 2.
  if (pid === null || ppid === null || (/^\[.*\]$/.test(args) && ppid <= 2)) return null;
  return { pid, ppid, user: m[3] ?? '', command: clipCommand(args), cwd: null };
}

export const processesSection: ProbeSection = {
  name: 'processes',
  timeoutSeconds: 20,
  script,
  parse(raw, draft, ctx) {
    const cwds = new Map<number, string>();
    const listeners = new Map<string, Listener>();
    const absent = new Set<string>();
    let more = false;
    for (const { tag, fields } of readRecords(raw.text)) {
      let l: Listener | null = null;
      if (tag === 'ps') {
        const p = parsePsLine(restOf(fields, 0));
        if (p && draft.processes.length < MAX_PROCESSES) draft.processes.push(p);
        else if (p) more = true;
      } else if (tag === 'cwd') {
        const pid = toInt(fields[0]?.replace(/^\/proc\//, ''));
        const target = restOf(fields, 1);
        if (pid !== null && target.startsWith('/')) cwds.set(pid, target);
      } else if (tag === 'ss') l = parseSsLine(restOf(fields, 0));
      else if (tag === 'netstat') l = parseNetstatLine(restOf(fields, 0));
      else if (tag === 'pnet') l = parseProcNetLine(fields[0] ?? '', restOf(fields, 1));
      else if (tag === 'absent') absent.add(fields[0] ?? '');
      if (l) {
        const key = `${l.proto} ${l.address} ${l.port}`;
        const seen = listeners.get(key);
        if (!seen || (seen.pid === null && l.pid !== null)) listeners.set(key, l);
      }
    }
    for (const p of draft.processes) p.cwd = cwds.get(p.pid) ?? null;
    draft.listeners.push(...[...listeners.values()].sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto)));

    if (more) ctx.notRead.push({ what: 'processes', reason: `more than ${MAX_PROCESSES} processes; the rest were left out` });
    if (absent.has('ps')) ctx.notRead.push({ what: 'process owners', reason: 'ps is not installed: users are shown as numeric uids' });
    if (absent.has('ss')) ctx.notRead.push({ what: 'listening socket owners', reason: 'neither ss nor netstat is installed' });
    else if (absent.has('owners')) ctx.notRead.push({ what: 'listening socket owners', reason: 'ss is not installed and this netstat cannot name owners' });
    else if (ctx.privilege === 'user' && draft.listeners.some((l) => l.pid === null)) {
      ctx.notRead.push({ what: 'listening socket owners', reason: "needs root or sudo: other users' sockets show no process" });
    }
    if (ctx.privilege === 'user' && draft.processes.some((p) => p.cwd === null)) {
      ctx.notRead.push({ what: "working directories of other users' processes", reason: 'needs root or sudo' });
    }
  },
};
