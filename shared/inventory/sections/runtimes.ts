import type { Inventory, ToolVersion } from '../../schema/inventory.js';
import { nonEmpty, readRecords } from '../parse-records.js';
import { SH_PKG_VERSION, SH_TIMEOUT, sh } from '../probe-sh-helpers.js';
import type { ProbeSection } from '../section.js';

type NodeInstall = Inventory['runtimes']['node'][number];
type Container = NonNullable<Inventory['runtimes']['docker']>['containers'][number];

/*
 * Lines: `node <TAB> path <TAB> realpath <TAB> version` (the node on PATH),
 * `node <TAB> nvm|n|volta <TAB> bin <TAB> version` (install dirs, listed, never run),
 * `tool <TAB> name <TAB> path <TAB> package <TAB> version-or-output`, `unreadable <TAB> home`,
 * `docker <TAB> no-daemon|denied|failed|listed`, `container <TAB> id <TAB> name <TAB> image <TAB> status <TAB> ports`.
 * npm, yarn, pnpm and pm2 are never run: their versions come from their package.json.
 */
const script =
  SH_TIMEOUT +
  SH_PKG_VERSION +
  sh`
set -f
if p=$(command -v node); then
  printf 'node\tpath\t%s\t%s\t%s\n' "$p" "$(readlink -f "$p")" "$(sky_timeout 5 "$p" -v 2>/dev/null)"
fi
homes=$( { echo /root; awk -F: '{ print $6 }' /etc/passwd 2>/dev/null; } | sort -u)
set +f
for h in /root /home/*; do
  [ -d "$h" ] && { [ -r "$h" ] && [ -x "$h" ] || printf 'unreadable\t%s\n' "$h"; }
done
for d in /usr/local/nvm/versions/node/* /opt/nvm/versions/node/*; do
  [ -x "$d/bin/node" ] && printf 'node\tnvm\t%s/bin/node\t%s\n' "$d" "\${d##*/}"
done
for h in $homes; do
  for d in "$h"/.nvm/versions/node/*; do
    [ -x "$d/bin/node" ] || continue
    printf 'node\tnvm\t%s/bin/node\t%s\n' "$d" "\${d##*/}"
    [ -f "$d/lib/node_modules/pm2/package.json" ] && printf 'tool\tpm2\t%s\tpm2\t%s\n' "$d/bin/pm2" "$(sky_json_str version "$d/lib/node_modules/pm2/package.json")"
  done
  for d in "$h"/.volta/tools/image/node/*; do
    [ -x "$d/bin/node" ] && printf 'node\tvolta\t%s/bin/node\t%s\n' "$d" "\${d##*/}"
  done
done
for d in /usr/local/n/versions/node/*; do
  [ -x "$d/bin/node" ] && printf 'node\tn\t%s/bin/node\t%s\n' "$d" "\${d##*/}"
done
for t in npm yarn pnpm pm2; do
  p=$(command -v "$t") && printf 'tool\t%s\t%s\t%s\n' "$t" "$p" "$(sky_pkg "$p")"
done
p=$(command -v python3) && printf 'tool\tpython3\t%s\t\t%s\n' "$p" "$(sky_timeout 5 "$p" -V 2>&1 | head -n 1)"
p=$(command -v php) && printf 'tool\tphp\t%s\t\t%s\n' "$p" "$(sky_timeout 5 "$p" -v 2>/dev/null | head -n 1)"
p=$(command -v ruby) && printf 'tool\truby\t%s\t\t%s\n' "$p" "$(sky_timeout 5 "$p" -v 2>/dev/null | head -n 1)"
if p=$(command -v java); then
  # The JDK's release file says the version without starting a JVM (which writes /tmp/hsperfdata_*).
  rel="$(dirname "$(dirname "$(readlink -f "$p")")")/release"
  if [ -r "$rel" ]; then v=$(grep '^JAVA_VERSION=' "$rel"); else v=$(sky_timeout 5 "$p" -XX:-UsePerfData -version 2>&1 | head -n 1); fi
  printf 'tool\tjava\t%s\t\t%s\n' "$p" "$v"
fi
if p=$(command -v docker); then
  printf 'tool\tdocker\t%s\t\t%s\n' "$p" "$(sky_timeout 5 "$p" --version 2>/dev/null)"
  sock=
  for s in /var/run/docker.sock /run/docker.sock; do [ -S "$s" ] && { sock=$s; break; }; done
  if [ -z "$sock" ]; then
    printf 'docker\tno-daemon\n'
  elif [ -r "$sock" ] && [ -w "$sock" ]; then
    fmt=$(printf '{{.ID}}\t{{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}')
    if out=$(sky_timeout 8 "$p" -H "unix://$sock" ps -a --no-trunc --format "$fmt" 2>/dev/null); then
      [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/container\t/'
      printf 'docker\tlisted\n'
    else
      printf 'docker\tfailed\n'
    fi
  else
    printf 'docker\tdenied\n'
  fi
fi
exit 0
`;

/** "v20.11.1", "Python 3.12.3", "PHP 8.3.6 (cli) …", "Docker version 28.2.2, build e6534b4", JAVA_VERSION="17.0.15" → the version. */
function versionOf(text: string): string | null {
  const m = /\d+(?:\.\d+)+(?:[-+_][0-9A-Za-z.]+)?|\d+(?=\b)/.exec(text.replace(/^v(?=\d)/, ''));
  return m ? m[0] : null;
}

function managerOf(path: string, realpath: string, hasN: boolean): NodeInstall['manager'] {
  if (/\/\.nvm\/|\/nvm\/versions\//.test(realpath)) return 'nvm';
  if (/\/\.volta\//.test(realpath)) return 'volta';
  // n copies the chosen version into /usr/local/bin rather than linking it.
  if (/\/n\/versions\//.test(realpath) || (hasN && path === '/usr/local/bin/node')) return 'n';
  return /^\/(usr\/)?(local\/)?s?bin\/node(js)?$/.test(realpath) ? 'system' : 'other';
}

/** Tools from their package.json: a corepack shim names corepack, not the tool. */
function toolVersion(tool: string, pkg: string, output: string): string | null {
  const v = versionOf(output);
  if (!pkg || pkg === tool || pkg === '@yarnpkg/cli-dist' || !v) return v;
  return `${pkg} ${v}`;
}

export const runtimesSection: ProbeSection = {
  name: 'runtimes',
  timeoutSeconds: 30,
  script,
  parse(raw, draft, ctx) {
    const rt = draft.runtimes;
    const records = readRecords(raw.text);
    const hasN = records.some((r) => r.tag === 'node' && r.fields[0] === 'n');
    const nodes = new Map<string, NodeInstall>();
    const tools = new Map<string, ToolVersion>();
    const containers: Container[] = [];
    let docker: string | null = null;
    for (const { tag, fields } of records) {
      const [a = '', b = '', c = '', d = '', e = ''] = fields;
      if (tag === 'node' && a === 'path') {
        const version = versionOf(d);
        if (b.startsWith('/') && version) nodes.set(c || b, { version, path: b, manager: managerOf(b, c || b, hasN) });
      } else if (tag === 'node' && (a === 'nvm' || a === 'n' || a === 'volta')) {
        const version = versionOf(c);
        if (b.startsWith('/') && version && !nodes.has(b)) nodes.set(b, { version, path: b, manager: a });
      } else if (tag === 'tool' && /^[a-z0-9]+$/.test(a)) {
        const version = toolVersion(a, c, d);
        if (version && !tools.has(`${a} ${b}`)) tools.set(`${a} ${b}`, { name: a, version, path: nonEmpty(b) });
      } else if (tag === 'unreadable' && b === '' && a.startsWith('/')) {
        ctx.notRead.push({ what: `node installs under ${a}`, reason: 'needs root or sudo' });
      } else if (tag === 'docker') {
        docker = a;
      } else if (tag === 'container' && a && b) {
        containers.push({ id: a, name: b, image: c, status: d, ports: e });
      }
    }
    rt.node.push(...nodes.values());
    rt.tools.push(...tools.values());
    // The docker CLI alone makes docker present; no daemon socket just means no containers.
    if (docker !== null || rt.tools.some((t) => t.name === 'docker')) {
      rt.docker = { containers };
      if (docker === 'denied') ctx.notRead.push({ what: 'docker containers', reason: 'needs root or sudo (or membership of the docker group)' });
      if (docker === 'failed') ctx.notRead.push({ what: 'docker containers', reason: 'docker ps failed or timed out' });
    }
  },
};
