import { describe, expect, it } from 'vitest';
import { compareVersions, mysqlRules, mysqlVersion, postgresRules, postgresVersion, redisRules, redisVersion } from '../../../shared/data/versions.js';

const pg = (t: string) => postgresVersion(t)!;
const my = (t: string) => mysqlVersion(t)!;

describe('version parsing', () => {
  it('reads PostgreSQL server_version_num and --version lines, 9.x keeping its minor as the major', () => {
    expect(pg('150004')).toEqual({ key: [15], text: '15.4' });
    expect(pg('90624')).toEqual({ key: [9, 6], text: '9.6.24' });
    expect(pg('pg_dump (PostgreSQL) 16.2 (Ubuntu 16.2-1.pgdg22.04+1)')).toEqual({ key: [16], text: '16.2' });
    expect(pg('15.18 (Debian 15.18-0+deb12u1)').key).toEqual([15]);
  });

  it('reads MySQL and MariaDB servers and dump clients, with their flavor', () => {
    expect(my('10.11.6-MariaDB-0+deb12u1')).toEqual({ version: { key: [10, 11], text: '10.11.6' }, flavor: 'mariadb' });
    expect(my('8.0.36')).toEqual({ version: { key: [8, 0], text: '8.0.36' }, flavor: 'mysql' });
    expect(my('mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)').version.text).toBe('10.11.19');
    expect(my('mysqldump  Ver 10.13 Distrib 5.7.44, for Linux (x86_64)')).toEqual({ version: { key: [5, 7], text: '5.7.44' }, flavor: 'mysql' });
    expect(my('mysqldump  Ver 8.4.0 for Linux on x86_64 (MySQL Community Server - GPL)').version.key).toEqual([8, 4]);
    expect(my('mariadb-dump from 11.4.2-MariaDB, client 10.19 for debian-linux-gnu (x86_64)')).toMatchObject({ version: { key: [11, 4] }, flavor: 'mariadb' });
  });

  it('reads Redis and Valkey from INFO', () => {
    expect(redisVersion('# Server\r\nredis_version:7.0.15\r\n')).toEqual({ version: { key: [7, 0], text: '7.0.15' }, product: 'redis' });
    expect(redisVersion('redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n')).toMatchObject({ version: { text: '8.0.1' }, product: 'valkey' });
    expect(compareVersions(pg('90624'), pg('100000'))).toBeLessThan(0);
  });
});

describe('PostgreSQL rules', () => {
  it('accepts same versions and a newer target', () => {
    expect(postgresRules({ server: pg('150004'), dumpClient: pg('pg_dump (PostgreSQL) 15.4'), target: pg('160002') })).toEqual([]);
  });
  it('refuses a dump client older than the server, naming the package to install', () => {
    const [f] = postgresRules({ server: pg('160002'), dumpClient: pg('pg_dump (PostgreSQL) 14.11'), target: pg('160002') });
    expect(f).toMatchObject({ level: 'error', rule: 'dump-client-not-older' });
    expect(f!.message).toContain('postgresql-client-16');
  });
  it('refuses a target older than the source, with both versions', () => {
    const found = postgresRules({ server: pg('160002'), dumpClient: pg('pg_dump (PostgreSQL) 16.2'), target: pg('150006') });
    expect(found).toEqual([expect.objectContaining({ level: 'error', rule: 'target-not-older', message: expect.stringMatching(/15\.6, older than the source's 16\.2/) }), expect.objectContaining({ level: 'warn' })]);
  });
});

describe('MySQL rules', () => {
  const mariadb1011 = my('10.11.6-MariaDB');
  it('refuses an older target or dump client of the same flavor', () => {
    expect(mysqlRules({ server: my('8.0.36'), dumpClient: my('mysqldump  Ver 8.0.36 for Linux'), target: my('5.7.44') }).map((f) => f.rule)).toEqual(['target-not-older']);
    expect(mysqlRules({ server: my('8.0.36'), dumpClient: my('mysqldump  Ver 10.13 Distrib 5.7.44, for Linux'), target: my('8.0.36') }).map((f) => f.rule)).toEqual(['dump-client-not-older']);
    expect(mysqlRules({ server: mariadb1011, dumpClient: my('mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB'), target: my('10.6.16-MariaDB') }).map((f) => f.level)).toEqual(['error']);
  });
  it('warns across flavors and accepts an upgrade within one', () => {
    expect(mysqlRules({ server: my('5.7.44-log'), dumpClient: my('mysqldump  Ver 10.13 Distrib 5.7.44, for Linux'), target: my('8.0.36') })).toEqual([]);
    expect(mysqlRules({ server: mariadb1011, dumpClient: my('mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB'), target: my('8.0.36') })).toEqual([expect.objectContaining({ level: 'warn', rule: 'cross-flavor' })]);
  });
});

describe('Redis rules', () => {
  const r = (t: string) => redisVersion(t)!;
  it('refuses an older target of the same product and warns across products', () => {
    expect(redisRules({ source: r('redis_version:7.2.4'), target: r('redis_version:7.0.15') })[0]).toMatchObject({ level: 'error' });
    expect(redisRules({ source: r('redis_version:7.0.15'), target: r('redis_version:7.2.4') })).toEqual([]);
    expect(redisRules({ source: r('redis_version:7.0.15'), target: r('valkey_version:8.0.1') })[0]).toMatchObject({ level: 'warn' });
  });
});
