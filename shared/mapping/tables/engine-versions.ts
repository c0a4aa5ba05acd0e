/**
 * Database and cache engine versions available on AWS (offline snapshot). A major whose
 * standard support ends within a year of TABLES_AS_OF is not chosen by default; RDS Extended
 * Support costs extra per vCPU-hour. `--refresh` replaces these with DescribeDBMajorEngineVersions
 * and DescribeCacheEngineVersions.
 */

export interface EngineVersionRow {
  /** The version passed to Create*: a major ("16", "8.4") lets RDS pick its default minor. */
  version: string;
  /** End of standard support, or null when not announced in the snapshot. */
  standardSupportEnds: string | null;
  reason: string;
  source: string;
}

const PG = 'https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html';
const MYSQL = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html';
const MARIADB = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MariaDB.Concepts.VersionMgmt.html';
const CACHE = 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html';

export const RDS_VERSIONS: Record<'postgres' | 'mysql' | 'mariadb', EngineVersionRow[]> = {
  postgres: [
    { version: '11', standardSupportEnds: '2024-02-29', reason: 'RDS Extended Support only (paid).', source: PG },
    { version: '12', standardSupportEnds: '2025-02-28', reason: 'RDS Extended Support only (paid).', source: PG },
    { version: '13', standardSupportEnds: '2026-02-28', reason: 'RDS Extended Support only (paid).', source: PG },
    { version: '14', standardSupportEnds: '2027-02-28', reason: 'Standard support ends 2027-02-28.', source: PG },
    { version: '15', standardSupportEnds: '2028-02-29', reason: 'Standard support ends 2028-02-29.', source: PG },
    { version: '16', standardSupportEnds: '2029-02-28', reason: 'Standard support ends 2029-02-28.', source: PG },
    { version: '17', standardSupportEnds: '2030-02-28', reason: 'Standard support ends 2030-02-28.', source: PG },
    { version: '18', standardSupportEnds: '2031-02-28', reason: 'Newest major on RDS.', source: PG },
  ],
  mysql: [
    { version: '5.7', standardSupportEnds: '2024-02-29', reason: 'RDS Extended Support only (paid).', source: MYSQL },
    { version: '8.0', standardSupportEnds: '2026-07-31', reason: 'Standard support ended 2026-07-31; Extended Support only (paid).', source: MYSQL },
    { version: '8.4', standardSupportEnds: null, reason: 'MySQL 8.4 LTS, the current long-term line on RDS.', source: MYSQL },
  ],
  mariadb: [
    { version: '10.6', standardSupportEnds: '2026-08-31', reason: 'End of standard support 2026-08-31.', source: MARIADB },
    { version: '10.11', standardSupportEnds: null, reason: 'MariaDB 10.11 LTS.', source: MARIADB },
    { version: '11.4', standardSupportEnds: null, reason: 'MariaDB 11.4 LTS.', source: MARIADB },
    { version: '11.8', standardSupportEnds: null, reason: 'MariaDB 11.8 LTS, newest on RDS.', source: MARIADB },
  ],
};

export interface CacheVersionRow {
  engine: 'valkey' | 'redis' | 'memcached';
  version: string;
  /** Highest source major this version loads data (RDB, DUMP payloads) from; null for memcached. */
  acceptsRedisUpTo: string | null;
  reason: string;
  source: string;
}

export const CACHE_VERSIONS: CacheVersionRow[] = [
  { engine: 'valkey', version: '8.0', acceptsRedisUpTo: '7.2', reason: 'Valkey 8.0 is compatible with Redis OSS 7.2 and earlier data and commands; ElastiCache prices Valkey nodes below Redis OSS.', source: CACHE },
  { engine: 'valkey', version: '7.2', acceptsRedisUpTo: '7.2', reason: 'Valkey 7.2 is a drop-in for Redis OSS 7.2.', source: CACHE },
  { engine: 'redis', version: '7.1', acceptsRedisUpTo: '7.2', reason: 'Newest Redis OSS engine on ElastiCache.', source: CACHE },
  { engine: 'redis', version: '6.2', acceptsRedisUpTo: '6.2', reason: 'Redis OSS 6.2 for apps pinned to the 6.x command set.', source: CACHE },
  { engine: 'memcached', version: '1.6.22', acceptsRedisUpTo: null, reason: 'Memcached 1.6, newest on ElastiCache in the snapshot.', source: CACHE },
];
