import { describe, expect, it } from 'vitest';
import { memcachedSection } from '../../../shared/inventory/sections/memcached.js';
import { mysqlSection } from '../../../shared/inventory/sections/mysql.js';
import { postgresSection } from '../../../shared/inventory/sections/postgres.js';
import { redisSection } from '../../../shared/inventory/sections/redis.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

describe('postgres section parser', () => {
  it('reads each running server with its databases, sizes, owners and extensions', () => {
    const inv = parseSection(postgresSection, probeFixture('postgres', 'ubuntu-root'));
    const [main, other] = inv.databases.postgres;
    expect(main).toEqual({
      version: '16.6', port: 5432, dataDir: '/var/lib/postgresql/16/main', pid: 1021, listenAddresses: 'localhost', walLevel: 'replica', maxConnections: 100,
      databases: [
        { name: 'shop_production', owner: 'shop', sizeBytes: 58312211, extensions: [{ name: 'plpgsql', version: '1.0' }, { name: 'pgcrypto', version: '1.3' }, { name: 'uuid-ossp', version: '1.1' }] },
        { name: 'postgres', owner: 'postgres', sizeBytes: 7631379, extensions: [{ name: 'plpgsql', version: '1.0' }] },
        { name: 'odd|name', owner: 'shop', sizeBytes: 7479827, extensions: [{ name: 'plpgsql', version: '1.0' }] },
      ],
      unreadable: null,
    });
    expect(other).toMatchObject({ version: '14.15', port: 5433, dataDir: '/srv/pg', pid: 2240, databases: [] });
    expect(other!.unreadable).toMatch(/^could not query the server: psql: error: .*role "postgres" does not exist/);
    expect(inv.notRead).toEqual([{ what: 'PostgreSQL on port 5433 (databases, sizes, extensions)', reason: other!.unreadable }]);
  });

  it('keeps version, port and data dir from the process when it may not query', () => {
    const inv = parseSection(postgresSection, probeFixture('postgres', 'unprivileged'), 'user');
    expect(inv.databases.postgres).toEqual([
      {
        version: '16.6', port: 5432, dataDir: '/var/lib/postgresql/16/main', pid: 1021, listenAddresses: null, walLevel: null, maxConnections: null, databases: [],
        unreadable: 'needs root, sudo to postgres, or credentials (sudo: a password is required)',
      },
    ]);
  });

  it('lists configured clusters when no server runs', () => {
    const inv = parseSection(postgresSection, probeFixture('postgres', 'not-running'));
    expect(inv.databases.postgres.map((s) => [s.version, s.port, s.dataDir, s.pid, s.unreadable])).toEqual([
      ['15', 5432, '/var/lib/postgresql/15/main', null, 'cluster 15/main is down: no running server process was found'],
      ['16', 5434, '/srv/pg16', null, 'cluster 16/reports is down,recovery: no running server process was found'],
    ]);
  });
});

describe('mysql section parser', () => {
  it('reads MySQL 8 on Ubuntu: version, binlog, schemas with sizes, table counts and engines', () => {
    const inv = parseSection(mysqlSection, probeFixture('mysql', 'ubuntu-mysql8-root'));
    expect(inv.databases.mysql).toEqual([
      {
        flavor: 'mysql', version: '8.0.40-0ubuntu0.22.04.1', port: 3306, socket: '/var/run/mysqld/mysqld.sock', dataDir: '/var/lib/mysql', pid: 8812,
        binlog: { enabled: true, format: 'ROW' }, serverId: 1, maxConnections: 151,
        sqlMode: 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
        schemas: [
          { name: 'shop', sizeBytes: 187203584, tables: 42, engines: { InnoDB: 40, MyISAM: 2 } },
          { name: 'wordpress', sizeBytes: 3342336, tables: 12, engines: { InnoDB: 12 } },
          { name: 'empty_db', sizeBytes: 0, tables: 0, engines: {} },
        ],
        unreadable: null,
      },
    ]);
  });

  it('names MariaDB and why it could not be read', () => {
    const inv = parseSection(mysqlSection, probeFixture('mysql', 'mariadb-denied'), 'user');
    expect(inv.databases.mysql).toEqual([
      {
        flavor: 'mariadb', version: '10.11.8-MariaDB-0ubuntu0.24.04.1', port: 3307, socket: '/run/mysqld/mysqld.sock', dataDir: '/var/lib/mysql', pid: 913,
        binlog: null, serverId: null, maxConnections: null, sqlMode: null, schemas: [],
        unreadable: "needs root or sudo, or credentials (ERROR 1698 (28000): Access denied for user 'deploy'@'localhost')",
      },
    ]);
    expect(inv.notRead[0]!.what).toBe('MariaDB on port 3307 (schemas, sizes, binlog settings)');
  });
});

describe('redis section parser', () => {
  it('reads INFO and the save setting; a password-protected server is named, not guessed', () => {
    const inv = parseSection(redisSection, probeFixture('redis', 'ubuntu-root'));
    expect(inv.caches.redis).toEqual([
      {
        version: '7.0.15', port: 6379, pid: 771, usedMemoryBytes: 1402872, maxmemoryBytes: 268435456, maxmemoryPolicy: 'allkeys-lru',
        keyspace: [{ db: 0, keys: 1532, expires: 1210 }, { db: 3, keys: 4, expires: 0 }], persistence: { rdb: true, aof: false }, unreadable: null,
      },
      {
        version: null, port: 6380, pid: 802, usedMemoryBytes: null, maxmemoryBytes: null, maxmemoryPolicy: null, keyspace: [], persistence: null,
        unreadable: 'requires a password (requirepass)',
      },
    ]);
    expect(inv.notRead).toEqual([{ what: 'Redis on port 6380 (memory, keys, persistence)', reason: 'requires a password (requirepass)' }]);
  });

  it('reads the RESP replies that the perl fallback prints', () => {
    const [redis] = parseSection(redisSection, probeFixture('redis', 'perl-no-redis-cli')).caches.redis;
    expect(redis).toEqual({
      version: '6.0.16', port: 6379, pid: 4410, usedMemoryBytes: 873400, maxmemoryBytes: 0, maxmemoryPolicy: 'noeviction',
      keyspace: [{ db: 2, keys: 7, expires: 1 }], persistence: { rdb: false, aof: true }, unreadable: null,
    });
  });
});

describe('redis persistence without CONFIG', () => {
  it('infers RDB from INFO when CONFIG is renamed away', () => {
    const text = "server 9\naddr 127.0.0.1:6379\ninfo\n| redis_version:7.2.4\n| rdb_saves:3\n| aof_enabled:0\nconfig\n| ERR unknown command 'CONFIG', with args beginning with: 'GET' 'save'";
    expect(parseSection(redisSection, text).caches.redis[0]?.persistence).toEqual({ rdb: true, aof: false });
  });
});

describe('memcached section parser', () => {
  it('reads stats, and falls back to the -m flag when it could not ask', () => {
    const inv = parseSection(memcachedSection, probeFixture('memcached', 'ubuntu'));
    expect(inv.caches.memcached).toEqual([
      { version: '1.6.14', port: 11211, pid: 655, limitBytes: 67108864, items: 218, unreadable: null },
      { version: null, port: 11212, pid: 700, limitBytes: 134217728, items: null, unreadable: 'perl is not on the box to ask memcached for its stats' },
    ]);
  });
});
