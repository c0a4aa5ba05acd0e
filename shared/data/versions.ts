import type { VersionFinding } from '../schema/data.js';

/**
 * Version rules, named before anything runs. PostgreSQL: pg_dump must not be older than the
 * server it dumps (it refuses, or misses newer catalog features), and a target older than the
 * source is refused (a dump is not guaranteed to load into an older major). MySQL/MariaDB: the
 * same two rules within a flavor; across flavors a warning, as the incompatibility checks then
 * carry the weight. Redis: a DUMP payload only restores into the same or a newer release.
 */

export interface Version {
  /** PostgreSQL ≥ 10: [major]; 9.x and MySQL/MariaDB/Redis: [major, minor]. */
  key: number[];
  text: string;
}

export type MysqlFlavor = 'mysql' | 'mariadb';

function numbers(text: string): number[] | null {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

/** `15.4 (Debian …)`, `pg_dump (PostgreSQL) 16.2`, or server_version_num `150004`. */
export function postgresVersion(text: string): Version | null {
  const t = text.trim();
  if (/^\d{5,6}$/.test(t)) {
    const n = Number(t);
    const major = Math.floor(n / 10000);
    return major >= 10 ? { key: [major], text: `${major}.${n % 10000}` } : { key: [major, Math.floor(n / 100) % 100], text: `${major}.${Math.floor(n / 100) % 100}.${n % 100}` };
  }
  const n = numbers(t.replace(/^[^\d]*?\(PostgreSQL\)\s*/, ''));
  if (!n) return null;
  const [major, minor] = n as [number, number, number];
  return { key: major >= 10 ? [major] : [major, minor], text: major >= 10 ? `${major}.${minor}` : n.join('.') };
}

/** SELECT VERSION() (`10.11.6-MariaDB-0+deb12u1`, `8.0.36`) or a dump client's `--version` line. */
export function mysqlVersion(text: string): { version: Version; flavor: MysqlFlavor } | null {
  // Clients print their own version first, the server release after "Distrib" (5.7, MariaDB).
  const distrib = /Distrib\s+([\d.]+)/.exec(text)?.[1];
  const ver = /\bVer\s+([\d.]+)/.exec(text)?.[1];
  const n = numbers(distrib ?? ver ?? text);
  if (!n) return null;
  return { version: { key: n.slice(0, 2), text: n.join('.') }, flavor: /mariadb/i.test(text) ? 'mariadb' : 'mysql' };
}

/** From INFO server: Valkey reports valkey_version (and a redis_version for compatibility). */
export function redisVersion(info: string): { version: Version; product: 'redis' | 'valkey' } | null {
  const valkey = /^valkey_version:([\d.]+)/m.exec(info)?.[1];
  const redis = /^redis_version:([\d.]+)/m.exec(info)?.[1];
  const n = numbers(valkey ?? redis ?? '');
  if (!n) return null;
  return { version: { key: n.slice(0, 2), text: n.join('.') }, product: valkey ? 'valkey' : 'redis' };
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.key.length, b.key.length); i++) {
    const d = (a.key[i] ?? 0) - (b.key[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const major = (v: Version): string => v.key.join('.');

export function postgresRules(v: { server: Version; dumpClient: Version; target: Version }): VersionFinding[] {
  const out: VersionFinding[] = [];
  if (compareVersions(v.dumpClient, v.server) < 0) {
    out.push({
      level: 'error',
      rule: 'dump-client-not-older',
      message: `pg_dump ${v.dumpClient.text} on the box is older than the PostgreSQL ${v.server.text} server it would dump; install postgresql-client-${major(v.server)} on the box`,
    });
  }
  if (compareVersions(v.target, v.server) < 0) {
    out.push({
      level: 'error',
      rule: 'target-not-older',
      message: `the target runs PostgreSQL ${v.target.text}, older than the source's ${v.server.text}; a dump is only guaranteed to load into the same or a newer major version: create the target with PostgreSQL ${major(v.server)} or newer`,
    });
  }
  if (compareVersions(v.dumpClient, v.target) > 0) {
    out.push({
      level: 'warn',
      rule: 'dump-client-newer-than-target',
      message: `pg_dump ${v.dumpClient.text} is newer than the target (${v.target.text}); session settings the target does not know are skipped`,
    });
  }
  return out;
}

export function mysqlRules(v: {
  server: { version: Version; flavor: MysqlFlavor };
  dumpClient: { version: Version; flavor: MysqlFlavor };
  target: { version: Version; flavor: MysqlFlavor };
}): VersionFinding[] {
  const out: VersionFinding[] = [];
  const name = (f: MysqlFlavor): string => (f === 'mariadb' ? 'MariaDB' : 'MySQL');
  if (v.dumpClient.flavor === v.server.flavor && compareVersions(v.dumpClient.version, v.server.version) < 0) {
    out.push({
      level: 'error',
      rule: 'dump-client-not-older',
      message: `the dump client on the box (${name(v.dumpClient.flavor)} ${v.dumpClient.version.text}) is older than the ${name(v.server.flavor)} ${v.server.version.text} server; install the server's own client package on the box`,
    });
  } else if (v.dumpClient.flavor !== v.server.flavor) {
    out.push({
      level: 'warn',
      rule: 'dump-client-flavor',
      message: `the dump client on the box is ${name(v.dumpClient.flavor)}'s, the server is ${name(v.server.flavor)}: the dump may miss flavor-specific features`,
    });
  }
  if (v.target.flavor === v.server.flavor && compareVersions(v.target.version, v.server.version) < 0) {
    out.push({
      level: 'error',
      rule: 'target-not-older',
      message: `the target runs ${name(v.target.flavor)} ${v.target.version.text}, older than the source's ${v.server.version.text}: create the target with ${name(v.server.flavor)} ${major(v.server.version)} or newer`,
    });
  } else if (v.target.flavor !== v.server.flavor) {
    out.push({
      level: 'warn',
      rule: 'cross-flavor',
      message: `moving ${name(v.server.flavor)} ${v.server.version.text} to ${name(v.target.flavor)} ${v.target.version.text}: the known incompatibilities are checked, the application's own SQL is not`,
    });
  }
  return out;
}

export function redisRules(v: { source: { version: Version; product: string }; target: { version: Version; product: string } }): VersionFinding[] {
  if (v.source.product === v.target.product && compareVersions(v.target.version, v.source.version) < 0) {
    return [
      {
        level: 'error',
        rule: 'target-not-older',
        message: `the target runs ${v.target.product} ${v.target.version.text}, older than the source's ${v.source.version.text}: RESTORE refuses DUMP payloads from newer releases; choose ${major(v.source.version)} or newer`,
      },
    ];
  }
  if (v.source.product !== v.target.product) {
    return [
      {
        level: 'warn',
        rule: 'cross-product',
        message: `${v.source.product} ${v.source.version.text} → ${v.target.product} ${v.target.version.text}: payloads of a newer RDB format than the target's are refused at the first key`,
      },
    ];
  }
  return [];
}
