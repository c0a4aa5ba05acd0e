/**
 * Reading and repairing the instance nginx configuration a bundle ships in `.platform/nginx`
 * (Amazon Linux 2/2023 platforms): `conf.d/*.conf` is included at http level,
 * `conf.d/elasticbeanstalk/*.conf` inside the default server, `nginx.conf` replaces the whole file.
 */

export const PLATFORM_NGINX = '.platform/nginx/';
export const SERVER_CONF_DIR = `${PLATFORM_NGINX}conf.d/elasticbeanstalk/`;
/** The platform's own location file: a bundle file with this name replaces it. */
export const DEFAULT_LOCATION_FILE = `${SERVER_CONF_DIR}00_application.conf`;
/** Http-level map the repaired locations use for the Connection header. */
export const UPGRADE_MAP_FILE = `${PLATFORM_NGINX}conf.d/skylift-websocket-upgrade.conf`;
// Not the plan's own $skylift_connection_upgrade: a bundle Skylift wrote may define that one already, and nginx refuses a map defined twice.
const UPGRADE_VAR = '$skylift_doctor_connection_upgrade';

/** Nginx's default for proxy_read_timeout / proxy_send_timeout. */
export const NGINX_DEFAULT_TIMEOUT_SECONDS = 60;

const stripComments = (text: string) => text.replace(/#[^\n]*/g, '');

/** Seconds from an nginx time (`90`, `90s`, `5m`, `1h`, `1m30s`). */
export function nginxSeconds(value: string): number | null {
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, ms: 0.001 };
  let total = 0;
  let rest = value.trim();
  if (!rest) return null;
  while (rest) {
    const m = /^(\d+)(ms|s|m|h|d)?/.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * units[m[2] ?? '']!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

export interface ProxyBlock {
  file: string;
  passesUpgrade: boolean;
  /** What is missing, for the evidence. */
  missing: string[];
  readTimeoutSeconds: number;
  sendTimeoutSeconds: number;
}

function directive(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`(?:^|[;{}\\s])${name}\\s+([^;]*);`, 'g'))].map((m) => m[1]!.trim());
}

/** Every bundle nginx file that proxies (has a proxy_pass), with what it does to upgrades and timeouts. */
export function proxyBlocks(files: Record<string, string>): ProxyBlock[] {
  const blocks: ProxyBlock[] = [];
  for (const [file, raw] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const text = stripComments(raw);
    if (directive(text, 'proxy_pass').length === 0) continue;
    const headers = directive(text, 'proxy_set_header').map((h) => h.split(/\s+/));
    const header = (name: string) => headers.find((h) => h[0]?.toLowerCase() === name)?.slice(1).join(' ');
    const missing: string[] = [];
    if (!directive(text, 'proxy_http_version').includes('1.1')) missing.push('proxy_http_version 1.1');
    if (header('upgrade') !== '$http_upgrade') missing.push('proxy_set_header Upgrade $http_upgrade');
    if (!/upgrade/i.test(header('connection') ?? '')) missing.push('proxy_set_header Connection upgrade');
    // The shortest value set anywhere in the file governs some request; nginx's default otherwise.
    const timeout = (name: string) => Math.min(...directive(text, name).map((v) => nginxSeconds(v) ?? NGINX_DEFAULT_TIMEOUT_SECONDS), ...(directive(text, name).length ? [] : [NGINX_DEFAULT_TIMEOUT_SECONDS]));
    blocks.push({ file, passesUpgrade: missing.length === 0, missing, readTimeoutSeconds: timeout('proxy_read_timeout'), sendTimeoutSeconds: timeout('proxy_send_timeout') });
  }
  return blocks;
}

/** Whether some `listen` in the bundle's nginx files accepts the PROXY protocol line. */
export function listensWithProxyProtocol(files: Record<string, string>): boolean {
  return Object.values(files).some((raw) => directive(stripComments(raw), 'listen').some((l) => /\bproxy_protocol\b/.test(l)));
}

export const upgradeMapFile = () =>
  ['# Written by skylift doctor: WebSocket upgrades pass through the instance nginx.', `map $http_upgrade ${UPGRADE_VAR} {`, '    default upgrade;', "    ''      close;", '}', ''].join('\n');

const REPLACED = /^\s*(proxy_http_version|proxy_read_timeout|proxy_send_timeout|proxy_set_header\s+(upgrade|connection))\b[^;]*;\s*$/i;

/** The file with every proxy_pass followed by the upgrade headers and these timeouts (the directives it replaces removed). */
export function repairProxyFile(text: string, timeoutSeconds: number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (REPLACED.test(line)) continue;
    out.push(line);
    const pass = /^(\s*)proxy_pass\b[^;]*;\s*$/.exec(line);
    if (!pass) continue;
    const indent = pass[1] ?? '';
    out.push(
      `${indent}proxy_http_version  1.1;`,
      `${indent}proxy_set_header    Upgrade     $http_upgrade;`,
      `${indent}proxy_set_header    Connection  ${UPGRADE_VAR};`,
      `${indent}proxy_read_timeout  ${timeoutSeconds}s;`,
      `${indent}proxy_send_timeout  ${timeoutSeconds}s;`,
    );
  }
  return out.join('\n');
}

/** A location for the platform's default server, when the bundle has no nginx file of its own. */
export function defaultLocationFile(appPort: number, timeoutSeconds: number): string {
  return repairProxyFile(
    [
      `# Written by skylift doctor: replaces the platform's default location; the app listens on PORT (${appPort}).`,
      'location / {',
      `    proxy_pass          http://127.0.0.1:${appPort};`,
      '    proxy_set_header    Host                $host;',
      '    proxy_set_header    X-Real-IP           $remote_addr;',
      '    proxy_set_header    X-Forwarded-For     $proxy_add_x_forwarded_for;',
      '}',
      '',
    ].join('\n'),
    timeoutSeconds,
  );
}
