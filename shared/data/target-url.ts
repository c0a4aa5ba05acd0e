import { DataError } from './data-error.js';

/**
 * Target URLs in their usual forms, with the TLS options RDS and ElastiCache need for in-transit
 * encryption:
 *   postgres://user:pass@host:5432/db?sslmode=verify-full&sslrootcert=/path/global-bundle.pem
 *   mysql://user:pass@host:3306/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/path/global-bundle.pem
 *   rediss://user:pass@host:6379?sslrootcert=/path/ca.pem      (redis:// is plain text)
 * TLS modes follow libpq: disable, prefer (TLS when the server offers it), require (encrypted,
 * certificate not checked), verify-ca, verify-full (certificate and host name checked).
 */

export type UrlEngine = 'postgres' | 'mysql' | 'redis';
export type TlsMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface TargetUrl {
  engine: UrlEngine;
  host: string;
  port: number;
  user: string | null;
  password: string | null;
  /** PostgreSQL/MySQL database; null when the URL names none (Redis always). */
  database: string | null;
  tls: { mode: TlsMode; caFile: string | null };
  /** The URL with its password replaced by `***`: the only form ever printed. */
  masked: string;
}

const SCHEMES: Record<string, { engine: UrlEngine; port: number; tls: TlsMode }> = {
  postgres: { engine: 'postgres', port: 5432, tls: 'prefer' },
  postgresql: { engine: 'postgres', port: 5432, tls: 'prefer' },
  mysql: { engine: 'mysql', port: 3306, tls: 'prefer' },
  mariadb: { engine: 'mysql', port: 3306, tls: 'prefer' },
  redis: { engine: 'redis', port: 6379, tls: 'disable' },
  rediss: { engine: 'redis', port: 6379, tls: 'verify-full' },
};

/** MySQL's ssl-mode names, mapped to libpq's. */
const MYSQL_MODES: Record<string, TlsMode> = {
  DISABLED: 'disable',
  PREFERRED: 'prefer',
  REQUIRED: 'require',
  VERIFY_CA: 'verify-ca',
  VERIFY_IDENTITY: 'verify-full',
};
const PG_MODES = new Set<string>(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

const PARAMS: Record<UrlEngine, string[]> = {
  postgres: ['sslmode', 'sslrootcert', 'ssl'],
  mysql: ['ssl-mode', 'sslmode', 'ssl-ca', 'sslrootcert'],
  redis: ['sslmode', 'sslrootcert'],
};

interface Parts {
  scheme: string;
  userinfo: string | null;
  hostport: string;
  path: string;
  query: string;
}

/** Splits scheme://[userinfo@]host[:port][/path][?query]; the last `@` ends the userinfo. */
function split(text: string): Parts | null {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(text.trim());
  if (!m) return null;
  let rest = m[2]!;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const at = rest.lastIndexOf('@');
  const userinfo = at >= 0 ? rest.slice(0, at) : null;
  const after = at >= 0 ? rest.slice(at + 1) : rest;
  const q = after.indexOf('?');
  const beforeQuery = q >= 0 ? after.slice(0, q) : after;
  const slash = beforeQuery.indexOf('/');
  return {
    scheme: m[1]!.toLowerCase(),
    userinfo,
    hostport: slash >= 0 ? beforeQuery.slice(0, slash) : beforeQuery,
    path: slash >= 0 ? beforeQuery.slice(slash + 1) : '',
    query: q >= 0 ? after.slice(q + 1) : '',
  };
}

/** The URL with any password (userinfo or a password= parameter) replaced by `***`. Never throws. */
export function maskUrl(text: string): string {
  const p = split(text);
  if (!p) return text.replace(/(password|pass|pwd)=[^&\s]*/gi, '$1=***');
  const colon = p.userinfo?.indexOf(':') ?? -1;
  const userinfo = p.userinfo === null ? '' : colon >= 0 ? `${p.userinfo.slice(0, colon)}:***@` : `${p.userinfo}@`;
  const query = p.query.replace(/(^|&)(password|pass|pwd)=[^&]*/gi, '$1$2=***');
  return `${p.scheme}://${userinfo}${p.hostport}${p.path ? `/${p.path}` : ''}${query ? `?${query}` : ''}`;
}

function decode(s: string, what: string, masked: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new DataError('BAD_URL', `the ${what} in ${masked} is not valid percent-encoding`, 'percent-encode special characters (e.g. @ as %40, / as %2F)');
  }
}

/** The mode the URL asks for, or null when it names none. */
function tlsMode(engine: UrlEngine, params: Map<string, string>, masked: string): TlsMode | null {
  const bad = (value: string, allowed: string): DataError =>
    new DataError('BAD_URL', `unknown TLS mode "${value}" in ${masked}`, `use one of ${allowed}`);
  if (engine === 'mysql' && params.has('ssl-mode')) {
    const v = params.get('ssl-mode')!.toUpperCase();
    const mode = MYSQL_MODES[v];
    if (!mode) throw bad(v, Object.keys(MYSQL_MODES).join(', '));
    return mode;
  }
  if (params.has('sslmode')) {
    const v = params.get('sslmode')!.toLowerCase();
    if (!PG_MODES.has(v)) throw bad(v, [...PG_MODES].join(', '));
    // libpq's allow (plain first, TLS if refused) behaves like prefer against a real server.
    return v === 'allow' ? 'prefer' : (v as TlsMode);
  }
  if (params.get('ssl') === 'true' || params.get('ssl') === '1') return 'require';
  return null;
}

/** Parses a target URL; throws BAD_URL naming what is wrong (with the password masked). */
export function parseTargetUrl(text: string): TargetUrl {
  const masked = maskUrl(text);
  const p = split(text);
  const scheme = p ? SCHEMES[p.scheme] : undefined;
  if (!p || !scheme) {
    throw new DataError('BAD_URL', `not a database URL: ${masked}`, 'use postgres://user:pass@host:5432/db, mysql://user:pass@host:3306/db, or redis:// / rediss://[user:pass@]host:6379');
  }
  const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(p.hostport);
  if (!hp) throw new DataError('BAD_URL', `no host in ${masked}`, 'write the host after the credentials: user:pass@host:port');
  const host = hp[1]!.replace(/^\[(.*)\]$/, '$1');
  const port = hp[2] === undefined ? scheme.port : Number(hp[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DataError('BAD_URL', `bad port in ${masked}`, 'ports are 1–65535');

  const params = new Map<string, string>();
  for (const pair of p.query.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = decode(eq >= 0 ? pair.slice(0, eq) : pair, 'parameter name', masked).toLowerCase();
    if (!PARAMS[scheme.engine].includes(key)) {
      throw new DataError('BAD_URL', `unknown parameter "${key}" in ${masked}`, `${scheme.engine} URLs take: ${PARAMS[scheme.engine].join(', ')}`);
    }
    params.set(key, decode(eq >= 0 ? pair.slice(eq + 1) : '', `value of ${key}`, masked));
  }

  let user: string | null = null;
  let password: string | null = null;
  if (p.userinfo !== null) {
    const colon = p.userinfo.indexOf(':');
    user = decode(colon >= 0 ? p.userinfo.slice(0, colon) : p.userinfo, 'user name', masked) || null;
    password = colon >= 0 ? decode(p.userinfo.slice(colon + 1), 'password', masked) : null;
  }
  // Redis URLs may carry a db index as their path; every db is copied, so it is not a name.
  const database = scheme.engine === 'redis' || p.path === '' ? null : decode(p.path, 'database name', masked);
  const caFile = params.get('sslrootcert') ?? params.get('ssl-ca') ?? null;
  const asked = tlsMode(scheme.engine, params, masked);
  if (p.scheme === 'redis' && (asked ?? 'disable') !== 'disable') {
    throw new DataError('BAD_URL', `${masked} asks for TLS with a redis:// URL`, 'use rediss:// for TLS (ElastiCache in-transit encryption)');
  }
  if (p.scheme === 'rediss' && (asked === 'disable' || asked === 'prefer')) {
    throw new DataError('BAD_URL', `${masked} turns TLS off with a rediss:// URL`, 'use redis:// for plain text, or sslmode=require / verify-ca / verify-full');
  }
  // A CA bundle given without a mode means "check the server against it".
  const mode = asked ?? (caFile ? 'verify-full' : scheme.tls);
  return { engine: scheme.engine, host, port, user, password, database, tls: { mode, caFile }, masked };
}
