import type { Nginx, NginxLocation, NginxServer } from '../schema/inventory.js';
import type { NginxDirective } from './parse-nginx-config.js';

/**
 * What Skylift needs from an effective nginx config: servers, their listens and TLS files, and
 * every location with the values nginx would actually apply there — directive inheritance from
 * http → server → location → nested location resolved the way nginx resolves it.
 */

export type NginxFindings = Pick<Nginx, 'clientMaxBodySize' | 'upstreams' | 'servers'>;

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };

/** nginx time values: `300`, `300s`, `5m`, `1h30m`, `500ms` → seconds; anything else → null. */
export function parseNginxSeconds(value: string | undefined): number | null {
  if (value === undefined || !/^(\d+(ms|[smhdwMy])?)+$/.test(value)) return null;
  let total = 0;
  for (const [, num, unit] of value.matchAll(/(\d+)(ms|[smhdwMy])?/g)) total += Number(num) * (UNITS[unit ?? 's'] ?? 1);
  return Number.isFinite(total) ? total : null;
}

/** Values inherited downwards; `headers` follows nginx's array rule (own set replaces, never merges). */
interface Scope {
  headers: Array<[string, string]>;
  readTimeout: string | null;
  sendTimeout: string | null;
  root: string | null;
  clientMaxBodySize: string | null;
  sslCertificate: string | null;
  sslCertificateKey: string | null;
  ssl: boolean;
  http2: boolean;
}

const EMPTY_SCOPE: Scope = {
  headers: [],
  readTimeout: null,
  sendTimeout: null,
  root: null,
  clientMaxBodySize: null,
  sslCertificate: null,
  sslCertificateKey: null,
  ssl: false,
  http2: false,
};

function last(block: readonly NginxDirective[], name: string): string[] | null {
  let found: string[] | null = null;
  for (const d of block) if (d.name === name && d.block === null) found = d.args;
  return found;
}

function lastArg(block: readonly NginxDirective[], name: string): string | null {
  return last(block, name)?.[0] ?? null;
}

function flagOn(block: readonly NginxDirective[], name: string, inherited: boolean): boolean {
  const v = lastArg(block, name);
  return v === null ? inherited : v.toLowerCase() === 'on';
}

function scopeOf(block: readonly NginxDirective[], parent: Scope): Scope {
  const headers = block
    .filter((d) => d.name === 'proxy_set_header' && d.block === null && d.args.length >= 2)
    .map((d): [string, string] => [d.args[0]!, d.args.slice(1).join(' ')]);
  return {
    headers: headers.length > 0 ? headers : parent.headers,
    readTimeout: lastArg(block, 'proxy_read_timeout') ?? parent.readTimeout,
    sendTimeout: lastArg(block, 'proxy_send_timeout') ?? parent.sendTimeout,
    root: lastArg(block, 'root') ?? parent.root,
    clientMaxBodySize: lastArg(block, 'client_max_body_size') ?? parent.clientMaxBodySize,
    sslCertificate: lastArg(block, 'ssl_certificate') ?? parent.sslCertificate,
    sslCertificateKey: lastArg(block, 'ssl_certificate_key') ?? parent.sslCertificateKey,
    ssl: flagOn(block, 'ssl', parent.ssl),
    http2: flagOn(block, 'http2', parent.http2),
  };
}

/** `map $source $target { ... }` blocks: target variable → source variable and every value. */
type Maps = Map<string, { source: string; values: string[] }>;

function mapsOf(http: readonly NginxDirective[]): Maps {
  const maps: Maps = new Map();
  for (const d of http) {
    if (d.name !== 'map' || !d.block || d.args.length < 2) continue;
    const values = d.block.flatMap((e) => e.args);
    maps.set(d.args[1]!, { source: d.args[0]!, values });
  }
  return maps;
}

function passesUpgrade(headers: ReadonlyArray<[string, string]>, maps: Maps): boolean {
  const value = (name: string) => headers.find(([h]) => h.toLowerCase() === name)?.[1] ?? null;
  const upgrade = value('upgrade');
  const connection = value('connection');
  if (upgrade === null || connection === null) return false;
  if (!/\$(\{http_upgrade\}|http_upgrade\b)|websocket/i.test(upgrade)) return false;
  if (/upgrade/i.test(connection.replace(/\$\{?\w+\}?/g, ''))) return true;
  for (const [, variable] of connection.matchAll(/\$\{?(\w+)\}?/g)) {
    const map = maps.get(`$${variable}`);
    if (map && /^\$\{?http_upgrade\}?$/i.test(map.source) && map.values.some((v) => /upgrade/i.test(v))) return true;
  }
  return false;
}

function parseListen(args: readonly string[], scope: Scope): NginxServer['listen'][number] | null {
  const spec = args[0];
  if (spec === undefined || spec.startsWith('unix:')) return null;
  let address: string | null = null;
  let portText: string | null = null;
  const bracket = /^\[([^\]]*)\](?::(\d+))?$/.exec(spec);
  if (bracket) {
    address = bracket[1]!;
    portText = bracket[2] ?? null;
  } else if (/^\d+$/.test(spec)) {
    portText = spec;
  } else {
    const i = spec.lastIndexOf(':');
    if (i >= 0) {
      address = spec.slice(0, i);
      portText = spec.slice(i + 1);
    } else {
      address = spec;
    }
  }
  const port = portText === null ? 80 : Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
  const params = new Set(args.slice(1));
  return {
    address,
    port,
    ssl: params.has('ssl') || scope.ssl,
    http2: params.has('http2') || scope.http2,
    proxyProtocol: params.has('proxy_protocol'),
    defaultServer: params.has('default_server') || params.has('default'),
  };
}

function isHttpsRedirect(d: NginxDirective): boolean {
  if (d.name === 'return') {
    const [code, url] = d.args.length === 1 ? ['302', d.args[0]] : d.args;
    return /^30[12378]$/.test(code ?? '') && /^https:\/\//i.test(url ?? '');
  }
  if (d.name === 'rewrite') return /^https:\/\//i.test(d.args[1] ?? '') && /^(permanent|redirect)$/.test(d.args[2] ?? '');
  return false;
}

function redirectsToHttps(server: readonly NginxDirective[]): boolean {
  const scan = (block: readonly NginxDirective[]): boolean =>
    block.some((d) => isHttpsRedirect(d) || (d.name === 'if' && d.block !== null && scan(d.block)));
  if (scan(server)) return true;
  return server.some((d) => d.name === 'location' && d.block !== null && /^(=\s*)?\/$/.test(d.args.join(' ')) && scan(d.block));
}

function locationsOf(block: readonly NginxDirective[], parent: Scope, maps: Maps): NginxLocation[] {
  const out: NginxLocation[] = [];
  for (const d of block) {
    if (d.name !== 'location' || !d.block) continue;
    const scope = scopeOf(d.block, parent);
    const proxyPass = lastArg(d.block, 'proxy_pass');
    out.push({
      path: d.args.join(' '),
      proxyPass,
      websocketUpgrade: proxyPass !== null && passesUpgrade(scope.headers, maps),
      proxyReadTimeoutSeconds: parseNginxSeconds(scope.readTimeout ?? undefined),
      proxySendTimeoutSeconds: parseNginxSeconds(scope.sendTimeout ?? undefined),
      root: scope.root,
      alias: lastArg(d.block, 'alias'),
      clientMaxBodySize: scope.clientMaxBodySize,
    });
    out.push(...locationsOf(d.block, scope, maps));
  }
  return out;
}

function serverOf(d: NginxDirective & { block: NginxDirective[] }, http: Scope, maps: Maps): NginxServer {
  const scope = scopeOf(d.block, http);
  const listen = d.block
    .filter((e) => e.name === 'listen' && e.block === null)
    .map((e) => parseListen(e.args, scope))
    .filter((l): l is NonNullable<typeof l> => l !== null);
  const hasListen = d.block.some((e) => e.name === 'listen');
  return {
    file: d.file,
    serverNames: d.block.filter((e) => e.name === 'server_name').flatMap((e) => e.args),
    listen: hasListen ? listen : [{ address: null, port: 80, ssl: scope.ssl, http2: scope.http2, proxyProtocol: false, defaultServer: false }],
    sslCertificate: scope.sslCertificate,
    sslCertificateKey: scope.sslCertificateKey,
    root: scope.root,
    clientMaxBodySize: scope.clientMaxBodySize,
    redirectsToHttps: redirectsToHttps(d.block),
    locations: locationsOf(d.block, scope, maps),
  };
}

/** Reads the findings out of an assembled config tree (see assembleNginxDump). */
export function readNginxConfig(tree: readonly NginxDirective[]): NginxFindings {
  const findings: NginxFindings = { clientMaxBodySize: null, upstreams: [], servers: [] };
  for (const top of tree) {
    if (top.name !== 'http' || !top.block) continue;
    const http = top.block;
    const scope = scopeOf(http, EMPTY_SCOPE);
    const maps = mapsOf(http);
    findings.clientMaxBodySize = lastArg(http, 'client_max_body_size') ?? findings.clientMaxBodySize;
    for (const d of http) {
      if (!d.block) continue;
      if (d.name === 'upstream' && d.args[0] !== undefined) {
        const servers = d.block.filter((e) => e.name === 'server' && e.args[0] !== undefined).map((e) => e.args[0]!);
        findings.upstreams.push({ name: d.args[0], servers });
      } else if (d.name === 'server') {
        findings.servers.push(serverOf({ ...d, block: d.block }, scope, maps));
      }
    }
  }
  return findings;
}
