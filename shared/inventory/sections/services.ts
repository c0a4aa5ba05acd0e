import type { SystemdUnit } from '../../schema/inventory.js';
import { nonEmpty, readRecords, restOf } from '../parse-records.js';
import { SH_TIMEOUT, sh } from '../probe-sh-helpers.js';
import { redactSecrets } from '../redact.js';
import type { ProbeSection } from '../section.js';

const MAX_UNITS = 1000;

/**
 * `sky_props TAG` turns `systemctl show` output on stdin into `TAG<TAB>Key=Value` lines, a
 * blank line (between units) into an end record, and `Environment=A=1 B=2` into
 * `EnvironmentNames=A B`: the values are dropped here, on the box.
 */
export const SH_SYSTEMD_PROPS = sh`
sky_props() {
  awk -v t="$1" '
    /^$/ { print t == "prop" ? "end" : "tend"; next }
    /^Environment=/ {
      n = split(substr($0, 13), w, " "); out = ""
      for (i = 1; i <= n; i++) { s = w[i]; sub(/^"/, "", s); if (s ~ /^[A-Za-z_][A-Za-z0-9_]*=/) { sub(/=.*/, "", s); out = out " " s } }
      print t "\tEnvironmentNames=" substr(out, 2); next
    }
    { print t "\t" $0 }
    END { print t == "prop" ? "end" : "tend" }'
}
`;

/*
 * Lines: `init <TAB> systemd|other <TAB> pid-1-name`, `unit <TAB> list-units line`,
 * `timer <TAB> list-timers line`, then `systemctl show` blocks as `prop|tprop <TAB> Key=Value`
 * closed by `end|tend`. `show` runs for units with a file in /etc/systemd/system and for
 * running units. Environment= is cut to `EnvironmentNames=A B` on the box: values never leave it.
 */
const script =
  SH_TIMEOUT +
  SH_SYSTEMD_PROPS +
  sh`
if [ ! -d /run/systemd/system ]; then
  printf 'init\tother\t%s\n' "$(cat /proc/1/comm 2>/dev/null)"
  exit 0
fi
printf 'init\tsystemd\n'
sky_has systemctl || exit 0
set -f
list=$(sky_timeout 10 systemctl list-units --type=service --all --no-legend --no-pager --plain 2>/dev/null)
printf '%s\n' "$list" | sed 's/^/unit\t/'
# Templates (name@.service) are left out: one invalid name makes "systemctl show" print nothing.
units=$( { ls /etc/systemd/system 2>/dev/null | grep -E '^[A-Za-z0-9:_.-]+(@[A-Za-z0-9:_.-]+)?\.service$'
  printf '%s\n' "$list" | awk '{ i = ($1 ~ /\./) ? 1 : 2; if ($(i + 3) == "running") print $i }'; } | sort -u | head -n 300)
[ -n "$units" ] && sky_timeout 10 systemctl show --no-pager -p Id,ActiveState,SubState,Description,ExecStart,WorkingDirectory,User,Environment,EnvironmentFiles $units 2>/dev/null | sky_props prop
timers=$(sky_timeout 10 systemctl list-timers --all --no-legend --no-pager 2>/dev/null)
printf '%s\n' "$timers" | sed 's/^/timer\t/'
names=$(printf '%s\n' "$timers" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /\.timer$/) { print $i; break } }' | head -n 200)
[ -n "$names" ] && sky_timeout 10 systemctl show --no-pager -p Id,Unit,TimersCalendar,TimersMonotonic $names 2>/dev/null | sky_props tprop
exit 0
`;

/** `{ path=/usr/bin/node ; argv[]=/usr/bin/node /srv/app.js ; ignore_errors=no ; … }` → the argv, redacted. */
function execArgv(value: string): string | null {
  const argv = [...value.matchAll(/argv\[\]=(.*?)(?: ; |\s*}|$)/g)].map((m) => (m[1] ?? '').trim()).filter(Boolean);
  return argv.length ? redactSecrets(argv.join('; ')) : nonEmpty(redactSecrets(value));
}

/**
 * Names only, whatever the line holds: a value must never reach the inventory even if the
 * box sent one. `EnvironmentNames=A B` holds bare names; a raw `Environment=A=1 B=2` only
 * counts words with `=` (a value with spaces leaves words that are not names).
 */
function envNames(value: string, assignments: boolean): string[] {
  const name = assignments ? /^"?([A-Za-z_][A-Za-z0-9_]*)=/ : /^([A-Za-z_][A-Za-z0-9_]*)$/;
  const names = value
    .split(/\s+/)
    .map((w) => name.exec(w)?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)];
}

type Props = Map<string, string[]>;

function readBlocks(records: ReturnType<typeof readRecords>, tag: string, endTag: string): Props[] {
  const blocks: Props[] = [];
  let cur: Props = new Map();
  for (const { tag: t, fields } of records) {
    if (t === endTag) {
      if (cur.size) blocks.push(cur);
      cur = new Map();
    } else if (t === tag) {
      const line = restOf(fields, 0);
      const eq = line.indexOf('=');
      if (eq < 1) continue;
      const key = line.slice(0, eq);
      cur.set(key, [...(cur.get(key) ?? []), line.slice(eq + 1)]);
    }
  }
  if (cur.size) blocks.push(cur);
  return blocks;
}

const first = (p: Props, key: string): string | null => nonEmpty(p.get(key)?.[0]);

/** `node.service loaded active running Node.js App` (maybe after a `*` or `●` mark). */
function parseUnitLine(line: string): SystemdUnit | null {
  const words = line.trim().split(/\s+/);
  if (words[0] === '*' || words[0] === '●') words.shift();
  const [name = '', load = '', active = '', sub = '', ...desc] = words;
  if (!/^[^\s/]+\.service$/.test(name) || !active || !sub || load === 'not-found') return null;
  return {
    name,
    activeState: active,
    subState: sub,
    description: nonEmpty(desc.join(' ')),
    execStart: null,
    workingDirectory: null,
    user: null,
    environmentNames: [],
    environmentFiles: [],
  };
}

function applyShow(unit: SystemdUnit, p: Props): void {
  unit.activeState = first(p, 'ActiveState') ?? unit.activeState;
  unit.subState = first(p, 'SubState') ?? unit.subState;
  unit.description = first(p, 'Description') ?? unit.description;
  const exec = p.get('ExecStart');
  if (exec?.length) unit.execStart = execArgv(exec.join(' ; '));
  unit.workingDirectory = first(p, 'WorkingDirectory')?.replace(/^[-!]+/, '') ?? null;
  unit.user = first(p, 'User');
  const names = [
    ...(p.get('EnvironmentNames') ?? []).flatMap((v) => envNames(v, false)),
    ...(p.get('Environment') ?? []).flatMap((v) => envNames(v, true)),
  ];
  unit.environmentNames = [...new Set(names)];
  unit.environmentFiles = (p.get('EnvironmentFiles') ?? []).map((f) => f.replace(/\s*\(ignore_errors=\w+\)\s*$/, '').trim()).filter(Boolean);
}

export const servicesSection: ProbeSection = {
  name: 'services',
  timeoutSeconds: 30,
  script,
  parse(raw, draft, ctx) {
    const records = readRecords(raw.text);
    const services = draft.services;
    const units = new Map<string, SystemdUnit>();
    for (const { tag, fields } of records) {
      if (tag === 'init') {
        services.init = fields[0] === 'systemd' ? 'systemd' : fields[0] === 'other' ? 'other' : services.init;
        if (fields[0] === 'other') {
          ctx.notRead.push({ what: 'services', reason: `init is not systemd (PID 1 is ${nonEmpty(fields[1]) ?? 'unknown'}): services were not listed` });
        }
      } else if (tag === 'unit' && units.size < MAX_UNITS) {
        const u = parseUnitLine(restOf(fields, 0));
        if (u && !units.has(u.name)) units.set(u.name, u);
      }
    }
    for (const p of readBlocks(records, 'prop', 'end')) {
      const id = first(p, 'Id');
      if (!id || !/\.service$/.test(id)) continue;
      const unit = units.get(id) ?? parseUnitLine(`${id} loaded ${first(p, 'ActiveState') ?? 'unknown'} ${first(p, 'SubState') ?? 'unknown'}`);
      if (!unit) continue;
      applyShow(unit, p);
      units.set(id, unit);
    }
    services.units = [...units.values()];

    const timers = new Map<string, { name: string; unit: string | null; schedule: string | null }>();
    for (const { tag, fields } of records) {
      if (tag !== 'timer') continue;
      const words = restOf(fields, 0).trim().split(/\s+/);
      const i = words.findIndex((w) => /^[^\s/]+\.timer$/.test(w));
      const name = words[i];
      if (i >= 0 && name && !timers.has(name)) timers.set(name, { name, unit: nonEmpty(words[i + 1]), schedule: null });
    }
    for (const p of readBlocks(records, 'tprop', 'tend')) {
      const id = first(p, 'Id');
      if (!id || !/\.timer$/.test(id)) continue;
      const specs = [...(p.get('TimersCalendar') ?? []), ...(p.get('TimersMonotonic') ?? [])]
        .map((v) => /{\s*(\w+)=(.*?)\s*;/.exec(v))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => (m[1] === 'OnCalendar' ? (m[2] ?? '') : `${m[1]}=${m[2]}`));
      const t = timers.get(id) ?? { name: id, unit: null, schedule: null };
      t.unit = first(p, 'Unit') ?? t.unit;
      t.schedule = specs.length ? specs.join('; ') : t.schedule;
      timers.set(id, t);
    }
    services.timers = [...timers.values()];
  },
};
