/**
 * iptables-save and `nft list ruleset` reduced to what a migration needs: does anything
 * filter incoming traffic, and which ports are let in from anywhere. Both become the same
 * small model (chains of rules with ports, a verdict or a jump) and are judged alike.
 */

interface Rule {
  /** "22/tcp", "80:90/udp"; empty when the rule names no port. */
  ports: string[];
  /** Matches a protocol without ports (icmp, or tcp with no dport). */
  protoOnly: boolean;
  /** Only some sources (address, loopback, established traffic): not "from anywhere". */
  restricted: boolean;
  verdict: 'accept' | 'drop' | 'return' | null;
  jump: string | null;
}

interface Chain {
  inputHook: boolean;
  policy: 'accept' | 'drop' | null;
  rules: Rule[];
}

export type Chains = Map<string, Chain>;

export interface FirewallVerdict {
  /** Something in the input path drops or rejects traffic. */
  filters: boolean;
  /** Ports admitted from anywhere; null when the input path admits everything not dropped. */
  openPorts: string[] | null;
}

function chainOf(chains: Chains, name: string): Chain {
  let c = chains.get(name);
  if (!c) {
    c = { inputHook: false, policy: null, rules: [] };
    chains.set(name, c);
  }
  return c;
}

function portList(spec: string, proto: string): string[] {
  return spec
    .split(/[\s,{}]+/)
    .filter((p) => /^\d{1,5}([:-]\d{1,5})?$/.test(p))
    .map((p) => `${p.replace('-', ':')}/${proto}`);
}

/** The `*filter` table of iptables-save: `:INPUT DROP [0:0]` and `-A chain … -j TARGET` lines. */
export function parseIptablesSave(lines: readonly string[]): Chains {
  const chains: Chains = new Map();
  let inFilter = false;
  for (const line of lines) {
    if (line.startsWith('*')) inFilter = line.trim() === '*filter';
    if (!inFilter) continue;
    const policy = /^:(\S+)\s+(ACCEPT|DROP|REJECT|-)/.exec(line);
    if (policy?.[1]) {
      const c = chainOf(chains, policy[1]);
      c.inputHook = policy[1] === 'INPUT';
      c.policy = policy[2] === 'ACCEPT' ? 'accept' : policy[2] === '-' ? null : 'drop';
      continue;
    }
    const rule = /^-A\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (!rule?.[1]) continue;
    const text = ` ${rule[2] ?? ''} `;
    const proto = /\s-p\s+(tcp|udp)\s/.exec(text)?.[1];
    const dports = /\s--dports?\s+(\S+)/.exec(text)?.[1];
    const target = /\s-[jg]\s+(\S+)/.exec(text)?.[1] ?? '';
    const source = /\s-s\s+(\S+)/.exec(text)?.[1];
    const state = /--(?:ct)?state\s+(\S+)/.exec(text)?.[1];
    const ports = proto && dports ? portList(dports, proto) : [];
    chainOf(chains, rule[1]).rules.push({
      ports,
      protoOnly: /\s-p\s+\S+/.test(text) && ports.length === 0,
      restricted:
        (source !== undefined && !/^(0\.0\.0\.0\/0|::\/0)$/.test(source)) ||
        /\s-i\s+lo\s/.test(text) ||
        /\s-d\s+\S+/.test(text) ||
        (state !== undefined && !/NEW/.test(state)),
      verdict: target === 'ACCEPT' ? 'accept' : target === 'DROP' || target === 'REJECT' ? 'drop' : target === 'RETURN' ? 'return' : null,
      jump: /^(ACCEPT|DROP|REJECT|RETURN|LOG|ULOG|NFLOG|MARK|CONNMARK|TCPMSS|MASQUERADE|SNAT|DNAT|REDIRECT|)$/.test(target) ? null : target,
    });
  }
  return chains;
}

/** `nft list ruleset`: `table FAMILY NAME {`, `chain NAME {`, `type filter hook input …; policy drop;`, rules. */
export function parseNftRuleset(lines: readonly string[]): Chains {
  const chains: Chains = new Map();
  let table = '';
  let chain: Chain | null = null;
  for (const raw of lines) {
    const line = raw.trim();
    const t = /^table\s+(\S+)\s+(\S+)\s*\{/.exec(line);
    if (t) {
      table = `${t[1]} ${t[2]}`;
      chain = null;
      continue;
    }
    const c = /^chain\s+(\S+)\s*\{/.exec(line);
    if (c?.[1]) {
      chain = chainOf(chains, `${table} ${c[1]}`);
      continue;
    }
    if (!chain || line === '}' || line === '') continue;
    const hook = /^type\s+filter\s+hook\s+(\w+).*?(?:policy\s+(accept|drop))?;?\s*$/.exec(line);
    if (hook) {
      chain.inputHook = hook[1] === 'input';
      chain.policy = hook[2] === 'drop' ? 'drop' : 'accept';
      continue;
    }
    const ports: string[] = [];
    for (const m of line.matchAll(/\b(tcp|udp|th)\s+dport\s+(\{[^}]*\}|\S+)/g)) {
      const protos = m[1] === 'th' ? (/l4proto\s+(\{[^}]*\}|\S+)/.exec(line)?.[1] ?? 'tcp').match(/tcp|udp/g) ?? ['tcp'] : [m[1] ?? 'tcp'];
      for (const p of protos) ports.push(...portList(m[2] ?? '', p));
    }
    const jump = /\b(?:jump|goto)\s+(\S+)/.exec(line)?.[1];
    const state = /\bct\s+state\s+(\{[^}]*\}|\S+)/.exec(line)?.[1];
    chain.rules.push({
      ports,
      protoOnly: ports.length === 0 && /\b(meta\s+l4proto|ip\s+protocol|icmp|icmpv6|tcp|udp)\b/.test(line),
      restricted: /\bsaddr\b/.test(line) || /\biif(name)?\s+"?lo"?/.test(line) || /\bdaddr\b/.test(line) || (state !== undefined && !/\bnew\b/.test(state)),
      verdict: /\baccept\s*$/.test(line) ? 'accept' : /\b(drop|reject)\b/.test(line) ? 'drop' : /\breturn\s*$/.test(line) ? 'return' : null,
      jump: jump ? `${table} ${jump}` : null,
    });
  }
  return chains;
}

/**
 * Walks the input path from every input-hook chain. A jump passes its ports and source
 * restriction on, so ufw's "limit" chain (an unconditional ACCEPT reached only for port 22)
 * opens 22, not everything.
 */
export function judgeChains(chains: Chains): FirewallVerdict {
  const bases = [...chains.values()].filter((c) => c.inputHook);
  let filters = false;
  let closes = false;
  const open = new Set<string>();
  const walk = (chain: Chain, inherited: string[], restricted: boolean, depth: number): void => {
    if (depth > 16) return;
    for (const r of chain.rules) {
      const ports = r.ports.length ? r.ports : inherited;
      const limited = restricted || r.restricted;
      if (r.verdict === 'drop') filters = true;
      if (r.jump) {
        const target = chains.get(r.jump);
        if (target) walk(target, ports, limited, depth + 1);
      }
      if (r.verdict === 'accept' && !limited) {
        if (ports.length) ports.forEach((p) => open.add(p));
        else if (!r.protoOnly) open.add('any');
      }
      if (r.verdict === 'return' && !r.ports.length && !r.restricted && !r.protoOnly) return;
    }
  };
  for (const base of bases) {
    if (base.policy === 'drop') filters = closes = true;
    const last = base.rules.at(-1);
    if (last?.verdict === 'drop' && !last.ports.length && !last.restricted && !last.protoOnly) closes = true;
    walk(base, [], false, 0);
  }
  if (!closes || open.has('any')) return { filters, openPorts: null };
  return { filters, openPorts: sortPorts([...open]) };
}

export function sortPorts(ports: string[]): string[] {
  const num = (p: string) => Number(/^\d+/.exec(p)?.[0] ?? 0);
  return [...new Set(ports)].sort((a, b) => num(a) - num(b) || a.localeCompare(b));
}
