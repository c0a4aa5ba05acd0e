/**
 * PostgreSQL extensions and RDS. Known-unsupported ones are blockers; names in neither list
 * are warnings checked on the target before the copy (`SHOW rds.extensions`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-extensions.html
 */

export const RDS_EXTENSIONS_SOURCE = 'https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-extensions.html';

export const RDS_SUPPORTED_EXTENSIONS = new Set([
  'address_standardizer', 'address_standardizer_data_us', 'amcheck', 'autoinc', 'bloom', 'btree_gin', 'btree_gist',
  'citext', 'cube', 'dblink', 'dict_int', 'dict_xsyn', 'earthdistance', 'fuzzystrmatch', 'h3', 'h3_postgis', 'hll',
  'hstore', 'hypopg', 'insert_username', 'intagg', 'intarray', 'ip4r', 'isn', 'lo', 'ltree', 'moddatetime', 'orafce',
  'pg_buffercache', 'pg_cron', 'pg_freespacemap', 'pg_hint_plan', 'pg_partman', 'pg_prewarm', 'pg_repack',
  'pg_stat_statements', 'pg_trgm', 'pg_visibility', 'pgaudit', 'pgcrypto', 'pglogical', 'pgrouting',
  'pgrowlocks', 'pgstattuple', 'plperl', 'plpgsql', 'postgis', 'postgis_raster', 'postgis_tiger_geocoder',
  'postgis_topology', 'postgres_fdw', 'prefix', 'rdkit', 'refint', 'seg', 'sslinfo', 'tablefunc', 'tcn',
  'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid-ossp', 'vector',
]);

/** Extensions RDS does not offer, with what people do instead. */
export const RDS_UNSUPPORTED_EXTENSIONS: Record<string, string> = {
  timescaledb: 'TimescaleDB is not offered on RDS (licence); use Timescale Cloud, self-managed PostgreSQL on EC2, or plain partitioned tables (pg_partman).',
  citus: 'Citus is not offered on RDS; Azure Cosmos DB for PostgreSQL or self-managed Citus are the usual homes.',
  zombodb: 'ZomboDB is not offered on RDS (it needs an Elasticsearch sidecar).',
  plpython3u: 'Untrusted languages (plpython3u) are not allowed on RDS.',
};
