import type { Apache } from '../../schema/inventory.js';
import { SH_PROC } from '../probe-shell.js';
import type { ProbeSection } from '../section.js';
import { readTagged, toPort, valueOf, type TaggedLine } from '../tagged-lines.js';

/*
 * Output: `absent`, or `ctl <apache2ctl|apachectl|httpd>`, `version <-v first line>`, `modules`
 * followed by `-M` as `| ` lines (or, when -M fails, `modfile <name>` per mods-enabled/*.load),
 * `vhosts` followed by `-S` as `| ` lines, and `file <path>` per enabled site file followed by
 * `| <lineno>:<line>` for only the directives Skylift reads (so SetEnv values, auth and the like
 * never leave the box; userinfo in URLs is masked too).
 */
const BODY = String.raw`
sky_ctl=
for sky_c in apache2ctl apachectl httpd; do sky_has "$sky_c" && { sky_ctl=$sky_c; break; }; done
[ -n "$sky_ctl" ] || { echo absent; exit 0; }
echo "ctl $sky_ctl"
echo "version $($sky_tmo "$sky_ctl" -v 2>&1 </dev/null | head -n 1)"
sky_m=$($sky_tmo "$sky_ctl" -M 2>/dev/null </dev/null)
if [ -n "$sky_m" ]; then
  echo modules
  printf '%s\n' "$sky_m" | sky_raw
else
  for sky_f in /etc/apache2/mods-enabled/*.load; do
    [ -e "$sky_f" ] && echo "modfile $(basename "$sky_f" .load)"
  done
fi
echo vhosts
$sky_tmo "$sky_ctl" -S 2>&1 </dev/null | sky_raw
for sky_f in /etc/apache2/sites-enabled/* /etc/httpd/conf.d/*.conf /etc/httpd/conf/httpd.conf; do
  [ -f "$sky_f" ] && [ -r "$sky_f" ] || continue
  echo "file $sky_f"
  grep -n -i -E '^[[:space:]]*(</?VirtualHost|</?Location|ServerName|ServerAlias|SSLEngine|SSLCertificateFile|DocumentRoot|ProxyPass|ProxyPassMatch|ProxyPassReverse|RewriteRule)([[:space:]>]|$)' "$sky_f" |
    sed -E 's#://[^/@"[:space:]]*@#://***@#g' | sky_raw
done
`;

type Vhost = Apache['vhosts'][number];

/** Splits an Apache directive's arguments, honouring double quotes. */
function words(text: string): string[] {
  return [...text.matchAll(/"((?:\\.|[^"\\])*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

function portOf(address: string | undefined): number | null {
  return toPort(/:(\d+)$/.exec(address ?? '')?.[1]);
}

const isWs = (target: string) => /^wss?:\/\//i.test(target);

interface FileVhost extends Vhost {
  line: number;
}

function vhostsOfFile(file: string, lines: readonly string[]): FileVhost[] {
  const out: FileVhost[] = [];
  let current: FileVhost | null = null;
  let location: string | null = null;
  for (const numbered of lines) {
    const m = /^(\d+):\s*(.*)$/.exec(numbered);
    if (!m) continue;
    const text = m[2]!.trim();
    const open = /^<VirtualHost\s+([^>]*)>/i.exec(text);
    if (open) {
      const port = portOf(words(open[1]!)[0]);
      current = { file, line: Number(m[1]), serverName: null, serverAliases: [], port, ssl: port === 443, sslCertificateFile: null, documentRoot: null, proxyPass: [], websocketProxy: false };
      out.push(current);
      continue;
    }
    if (/^<\/VirtualHost>/i.test(text)) {
      current = null;
      continue;
    }
    const loc = /^<Location\s+([^>]*)>/i.exec(text);
    if (loc) location = words(loc[1]!)[0] ?? null;
    if (/^<\/Location>/i.test(text)) location = null;
    if (!current) continue;
    const [name = '', ...args] = words(text);
    switch (name.toLowerCase()) {
      case 'servername':
        current.serverName = args[0]?.replace(/:\d+$/, '') ?? null;
        break;
      case 'serveralias':
        current.serverAliases.push(...args);
        break;
      case 'sslengine':
        if (args[0]?.toLowerCase() === 'on') current.ssl = true;
        break;
      case 'sslcertificatefile':
        current.sslCertificateFile = args[0] ?? null;
        break;
      case 'documentroot':
        current.documentRoot = args[0] ?? null;
        break;
      case 'proxypass':
      case 'proxypassmatch': {
        // Inside <Location /x> the path is implied: `ProxyPass ws://host/x`.
        const [path, target] = location !== null && args.length >= 1 && !args[0]!.startsWith('/') && args[0] !== '!' ? [location, args[0]!] : [args[0], args[1]];
        if (path === undefined || target === undefined || target === '!') break;
        current.proxyPass.push({ path, target });
        if (isWs(target) || args.some((a) => /^upgrade=websocket$/i.test(a))) current.websocketProxy = true;
        break;
      }
      case 'rewriterule': {
        const target = args[1] ?? '';
        const flags = args[2] ?? '';
        if (isWs(target) && /[[,]\s*P\s*[,\]]/i.test(flags)) current.websocketProxy = true;
        break;
      }
    }
  }
  return out;
}

/** `apache2ctl -S` lines: `*:443  name (file:line)`, `port 80 namevhost name (file:line)`, `alias x`. */
function vhostsOfDump(lines: readonly string[]): Array<Vhost & { line: number }> {
  const out: Array<Vhost & { line: number }> = [];
  let nameVhostPort: number | null = null;
  for (const line of lines) {
    const single = /^(\S+:\d+)\s+(?!is a NameVirtualHost)(\S+)\s+\((.+):(\d+)\)\s*$/.exec(line);
    const named = /^\s+(?:port\s+(\d+)\s+namevhost|default server)\s+(\S+)\s+\((.+):(\d+)\)\s*$/.exec(line);
    const header = /^(\S+:(\d+))\s+is a NameVirtualHost/.exec(line);
    const alias = /^\s+alias\s+(\S+)/.exec(line);
    if (header) nameVhostPort = toPort(header[2]);
    if (single || named) {
      const port = single ? portOf(single[1]) : (toPort(named![1]) ?? nameVhostPort);
      const [, , name, file, lineNo] = (single ?? named)!;
      out.push({ file: file!, line: Number(lineNo), serverName: name!, serverAliases: [], port, ssl: port === 443, sslCertificateFile: null, documentRoot: null, proxyPass: [], websocketProxy: false });
    } else if (alias) {
      out[out.length - 1]?.serverAliases.push(alias[1]!);
    }
  }
  return out;
}

function modulesOf(lines: TaggedLine[]): string[] {
  const fromDump = (lines.find((l) => l.tag === 'modules')?.raw ?? []).map((l) => /^\s*(\w+_module)\b/.exec(l)?.[1]).filter((m): m is string => !!m);
  const fromFiles = lines.filter((l) => l.tag === 'modfile' && /^\w+$/.test(l.value.trim())).map((l) => `${l.value.trim()}_module`);
  return [...new Set([...fromDump, ...fromFiles])];
}

export const apacheSection: ProbeSection = {
  name: 'apache',
  timeoutSeconds: 20,
  script: [SH_PROC, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const lines = readTagged(raw.text);
    if (lines.some((l) => l.tag === 'absent') || !lines.some((l) => l.tag === 'ctl')) return;
    const fileVhosts = lines.filter((l) => l.tag === 'file').flatMap((l) => vhostsOfFile(l.value.trim(), l.raw));
    const dumped = vhostsOfDump(lines.find((l) => l.tag === 'vhosts')?.raw ?? []);
    const seen = new Set(fileVhosts.map((f) => `${f.file}:${f.line}`));
    const extra = dumped.filter((d) => !seen.has(`${d.file}:${d.line}`) && seen.add(`${d.file}:${d.line}`));
    const modules = modulesOf(lines);
    draft.webServers.apache = {
      version: /Apache\/(\S+)/.exec(valueOf(lines, 'version') ?? '')?.[1] ?? null,
      modules,
      wstunnelLoaded: modules.includes('proxy_wstunnel_module'),
      vhosts: [...fileVhosts, ...extra].map(({ line: _line, ...v }) => v),
    };
    if (modules.length === 0) ctx.notRead.push({ what: 'Apache modules', reason: 'apache2ctl -M failed and no mods-enabled directory was readable' });
  },
};
