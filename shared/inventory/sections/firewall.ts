import type { Firewall } from '../../schema/inventory.js';
import { judgeChains, parseIptablesSave, parseNftRuleset, sortPorts } from '../parse-firewall-rules.js';
import { readRecords, restOf } from '../parse-records.js';
import { SH_TIMEOUT, sh } from '../probe-sh-helpers.js';
import type { ProbeSection } from '../section.js';

const MAX_RULES = 200;

/*
 * Lines: `ufw <TAB> installed`, `ufwconf <TAB> ENABLED=yes`, `ufwapp <TAB> profile <TAB> ports`,
 * `ran <TAB> ufw|nft|iptables <TAB> exit code`, then each tool's output as `ufwstatus|nft|ipt <TAB> line`.
 * All three only read (iptables-save, never `iptables -L`, which can load modules); without
 * root they fail at once and the parser says so.
 */
const script =
  SH_TIMEOUT +
  sh`
if sky_has ufw; then
  printf 'ufw\tinstalled\n'
  [ -r /etc/ufw/ufw.conf ] && grep '^ENABLED=' /etc/ufw/ufw.conf | sed 's/^/ufwconf\t/'
  for f in /etc/ufw/applications.d/*; do
    [ -f "$f" ] && [ -r "$f" ] && awk '/^\[.*\]/ { n = substr($0, 2, index($0, "]") - 2) } /^ports=/ { print "ufwapp\t" n "\t" substr($0, 7) }' "$f"
  done
  out=$(sky_timeout 10 ufw status verbose 2>&1); printf 'ran\tufw\t%s\n' "$?"
  printf '%s\n' "$out" | sed 's/^/ufwstatus\t/'
fi
if sky_has nft; then
  out=$(sky_timeout 10 nft list ruleset 2>/dev/null); printf 'ran\tnft\t%s\n' "$?"
  printf '%s\n' "$out" | sed 's/^/nft\t/'
fi
if sky_has iptables-save; then
  out=$(sky_timeout 10 iptables-save 2>/dev/null); printf 'ran\tiptables\t%s\n' "$?"
  printf '%s\n' "$out" | sed 's/^/ipt\t/'
fi
exit 0
`;

/** `ufw status verbose`: the status, the default incoming policy, and the rule table. */
function judgeUfw(lines: readonly string[], apps: ReadonlyMap<string, string[]>): { active: boolean | null; openPorts: string[] | null; rules: string[] } {
  const status = lines.map((l) => /^Status:\s*(\w+)/.exec(l)?.[1]).find(Boolean);
  const defaultAllow = lines.some((l) => /^Default:.*\ballow \(incoming\)/.test(l));
  const start = lines.findIndex((l) => /^--\s+-+/.test(l.trim()));
  const rules = start >= 0 ? lines.slice(start + 1).map((l) => l.trim()).filter(Boolean) : [];
  const open = new Set<string>();
  for (const rule of rules) {
    const m = /^(.*?)\s+(ALLOW|LIMIT)(?:\s+IN)?\s+(Anywhere(?: \(v6\))?)\s*(?:#.*)?$/.exec(rule);
    if (!m) continue;
    const to = (m[1] ?? '').replace(/\s*\(v6\)/g, '').trim();
    const spec = to.split(/\s+/).find((w) => /^\d{1,5}([:,]\d{1,5})*(\/(tcp|udp))?$/.test(w));
    if (spec) {
      const [ports = '', proto] = spec.split('/');
      for (const p of ports.split(',')) for (const pr of proto ? [proto] : ['tcp', 'udp']) open.add(`${p}/${pr}`);
    } else if (to === 'Anywhere') {
      open.add('any');
    } else {
      // An application profile ("Nginx Full", or "OpenSSH (v6)" already stripped).
      for (const p of apps.get(to.replace(/\s*\(.*\)$/, '')) ?? []) open.add(p);
    }
  }
  const active = status === 'active' ? true : status === 'inactive' ? false : null;
  const openPorts = active && !defaultAllow && !open.has('any') ? sortPorts([...open]) : null;
  return { active, openPorts, rules };
}

/** A profile's `ports=80,443/tcp|53/udp` → ["80/tcp", "443/tcp", "53/udp"]. */
function profilePorts(spec: string): string[] {
  return spec.split('|').flatMap((part) => {
    const [ports = '', proto] = part.trim().split('/');
    return ports
      .split(',')
      .filter((p) => /^\d{1,5}(:\d{1,5})?$/.test(p))
      .flatMap((p) => (proto ? [`${p}/${proto}`] : [`${p}/tcp`, `${p}/udp`]));
  });
}

export const firewallSection: ProbeSection = {
  name: 'firewall',
  timeoutSeconds: 20,
  script,
  parse(raw, draft, ctx) {
    const out: Record<'ufwstatus' | 'nft' | 'ipt', string[]> = { ufwstatus: [], nft: [], ipt: [] };
    const ran = new Map<string, string>();
    const apps = new Map<string, string[]>();
    let ufwInstalled = false;
    let ufwEnabled: boolean | null = null;
    for (const { tag, fields } of readRecords(raw.text)) {
      if (tag === 'ufwstatus' || tag === 'nft' || tag === 'ipt') out[tag].push(restOf(fields, 0));
      else if (tag === 'ran') ran.set(fields[0] ?? '', fields[1] ?? '');
      else if (tag === 'ufw') ufwInstalled = true;
      else if (tag === 'ufwconf') ufwEnabled = /^ENABLED=["']?yes/i.test(fields[0] ?? '');
      else if (tag === 'ufwapp' && fields[0]) apps.set(fields[0], profilePorts(fields[1] ?? ''));
    }
    const readable = (tool: string) => ran.get(tool) === '0';
    const ruleLines = (lines: string[], keep: (l: string) => boolean) => lines.map((l) => l.trim()).filter(keep).slice(0, MAX_RULES);

    const ufw = readable('ufw') ? judgeUfw(out.ufwstatus, apps) : null;
    const nft = readable('nft') ? judgeChains(parseNftRuleset(out.nft)) : null;
    const ipt = readable('iptables') ? judgeChains(parseIptablesSave(out.ipt)) : null;
    const nftRules = ruleLines(out.nft, (l) => l !== '' && l !== '}' && !/^(table|chain|type)\b/.test(l));
    const iptRules = ruleLines(out.ipt, (l) => l.startsWith('-A '));

    let fw: Firewall;
    if (ufw?.active) fw = { tool: 'ufw', active: true, openPorts: ufw.openPorts, rules: ufw.rules.slice(0, MAX_RULES) };
    else if (nft?.filters) fw = { tool: 'nftables', active: true, openPorts: nft.openPorts, rules: nftRules };
    else if (ipt?.filters) fw = { tool: 'iptables', active: true, openPorts: ipt.openPorts, rules: iptRules };
    else if (ufwInstalled) fw = { tool: 'ufw', active: ufw ? ufw.active : ufwEnabled, openPorts: null, rules: ufw?.rules.slice(0, MAX_RULES) ?? [] };
    else if (nft && nftRules.length) fw = { tool: 'nftables', active: false, openPorts: null, rules: nftRules };
    else if (ipt && iptRules.length) fw = { tool: 'iptables', active: false, openPorts: null, rules: iptRules };
    else if (ran.size === 0 || nft || ipt) fw = { tool: 'none', active: false, openPorts: null, rules: [] };
    else fw = { tool: 'unknown', active: null, openPorts: null, rules: [] };
    draft.firewall = fw;

    const unreadable = [...ran].filter(([, rc]) => rc !== '0').map(([tool]) => tool);
    if (unreadable.length && !(ufw?.active || nft?.filters || ipt?.filters)) {
      const reason = ctx.privilege === 'user' ? 'needs root or sudo' : `${unreadable.join(', ')} failed or timed out`;
      ctx.notRead.push({ what: 'firewall rules', reason });
    }
  },
};
