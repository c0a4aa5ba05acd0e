import { z } from 'zod';

/**
 * The data mover's contract: what a copy or a verification reports while it runs (progress and
 * notices), what it returns (a copy result, a verify report) and how it fails (a coded error with
 * what to do next). Nothing here ever holds a secret: URLs appear masked.
 */

export const DataEngine = z.enum(['postgres', 'mysql', 'redis', 'memcached']);
export type DataEngine = z.infer<typeof DataEngine>;

export const DataPhase = z.enum(['check', 'prepare', 'copy', 'verify', 'cleanup', 'done']);
export type DataPhase = z.infer<typeof DataPhase>;

/** Throttled by the engine (a few per second), plus one at every phase change and at the end. */
export const DataProgress = z.object({
  type: z.literal('progress'),
  engine: DataEngine,
  phase: DataPhase,
  /** Dump bytes received from the box (for Redis: DUMP payload bytes). */
  bytes: z.number().nonnegative(),
  /** An estimate from the source's catalog (table sizes, used memory); null when unknown. */
  bytesTotal: z.number().nonnegative().nullable(),
  /** What `done`/`total` count. */
  unit: z.enum(['tables', 'keys']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
  rateBytesPerSec: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** The table (schema.table) or Redis db being worked on. */
  current: z.string().optional(),
});
export type DataProgress = z.infer<typeof DataProgress>;

export const DataNotice = z.object({
  type: z.literal('notice'),
  level: z.enum(['info', 'warn']),
  message: z.string(),
});
export type DataNotice = z.infer<typeof DataNotice>;

export const DataEvent = z.discriminatedUnion('type', [DataProgress, DataNotice]);
export type DataEvent = z.infer<typeof DataEvent>;

export const DATA_ERROR_CODES = [
  'BAD_URL',
  'BAD_NAME',
  'SOURCE_UNAVAILABLE',
  'DUMP_CLIENT_MISSING',
  'VERSION',
  'INCOMPATIBLE',
  'MYISAM_CHOICE',
  'TARGET_UNREACHABLE',
  'TARGET_AUTH',
  'TARGET_TLS_UNAVAILABLE',
  'TARGET_TLS_REQUIRED',
  'TARGET_TLS_INVALID',
  'TARGET_PERMISSION',
  'TARGET_NOT_EMPTY',
  'EXTENSION_UNAVAILABLE',
  'DUMP_FAILED',
  'RESTORE_FAILED',
  'SSH_LOST',
  'VERIFY_MISMATCH',
  'CANCELLED',
  // Replication (binlog / logical): a precondition unmet, the target cannot reach the box, the
  // stream stopped with an error, catch-up did not finish in time, nothing configured to finish.
  'REPLICATION_PRECONDITION',
  'REPLICATION_UNREACHABLE',
  'REPLICATION_BROKEN',
  'REPLICATION_TIMEOUT',
  'REPLICATION_NOT_CONFIGURED',
] as const;
export const DataErrorCode = z.enum(DATA_ERROR_CODES);
export type DataErrorCode = z.infer<typeof DataErrorCode>;

/** A data error as it crosses IPC or is written as JSON. */
export const DataErrorInfo = z.object({
  code: DataErrorCode,
  message: z.string(),
  hint: z.string(),
  /** Whether the target was put back as it was before the copy (or emptied, after --replace). */
  targetClean: z.boolean().optional(),
});
export type DataErrorInfo = z.infer<typeof DataErrorInfo>;

/** A version rule's verdict, named before anything runs. */
export const VersionFinding = z.object({
  level: z.enum(['error', 'warn']),
  rule: z.string(),
  message: z.string(),
});
export type VersionFinding = z.infer<typeof VersionFinding>;

export const Endpoints = z.object({
  /** e.g. `PostgreSQL 15.4 on root@box:22, port 5432`. */
  source: z.string(),
  /** The target URL, masked. */
  target: z.string(),
  sourceVersion: z.string().nullable(),
  targetVersion: z.string().nullable(),
  dumpClient: z.string().nullable(),
});
export type Endpoints = z.infer<typeof Endpoints>;

export const TableCheck = z.object({
  /** schema.table (PostgreSQL) or table (MySQL). */
  table: z.string(),
  sourceRows: z.number().int().nonnegative(),
  targetRows: z.number().int().nonnegative().nullable(),
  sourceChecksum: z.string(),
  targetChecksum: z.string().nullable(),
  match: z.boolean(),
});
export type TableCheck = z.infer<typeof TableCheck>;

export const RedisDbCheck = z.object({
  db: z.number().int().nonnegative(),
  sourceKeys: z.number().int().nonnegative(),
  targetKeys: z.number().int().nonnegative(),
  sampled: z.number().int().nonnegative(),
  /** Sampled keys whose type, value or TTL presence differ (at most a few named). */
  mismatchedKeys: z.array(z.string()),
  match: z.boolean(),
});
export type RedisDbCheck = z.infer<typeof RedisDbCheck>;

export const VerifyReport = z.object({
  engine: DataEngine,
  database: z.string().nullable(),
  endpoints: Endpoints,
  /** How a table's checksum is computed, the same text on both sides. */
  method: z.string(),
  tables: z.array(TableCheck),
  redis: z.array(RedisDbCheck),
  ok: z.boolean(),
  /** One line per mismatch, naming the table or db. */
  mismatches: z.array(z.string()),
});
export type VerifyReport = z.infer<typeof VerifyReport>;

export const CopyResult = z.object({
  engine: DataEngine,
  /** Source database (Redis: null — every db is copied). */
  database: z.string().nullable(),
  targetDatabase: z.string().nullable(),
  endpoints: Endpoints,
  bytes: z.number().nonnegative(),
  /** Tables (SQL) or keys (Redis) copied. */
  items: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** What the copy created on the target besides the data. */
  created: z.object({
    database: z.boolean(),
    roles: z.array(z.string()),
    extensions: z.array(z.string()),
  }),
  replaced: z.boolean(),
  findings: z.array(VersionFinding),
  warnings: z.array(z.string()),
  verify: VerifyReport.nullable(),
});
export type CopyResult = z.infer<typeof CopyResult>;

/** Where the source server is, as seen from the box. Secrets (passwords) travel separately. */
export const PostgresSource = z.object({
  engine: z.literal('postgres'),
  database: z.string(),
  /** A socket directory or an address; default: the client's default socket. */
  host: z.string().optional(),
  port: z.number().int().positive().optional(),
  /** The OS user pg_dump runs as (peer authentication); default `postgres`. */
  osUser: z.string().optional(),
});
export const MysqlSource = z.object({
  engine: z.literal('mysql'),
  database: z.string(),
  socket: z.string().optional(),
  port: z.number().int().positive().optional(),
  /** Default: root over the socket (unix_socket auth), then /etc/mysql/debian.cnf. */
  user: z.string().optional(),
});
export const RedisSource = z.object({
  engine: z.literal('redis'),
  host: z.string().optional(),
  port: z.number().int().positive().optional(),
});
export const MemcachedSource = z.object({ engine: z.literal('memcached') });
export const DataSource = z.discriminatedUnion('engine', [PostgresSource, MysqlSource, RedisSource, MemcachedSource]);
export type PostgresSource = z.infer<typeof PostgresSource>;
export type MysqlSource = z.infer<typeof MysqlSource>;
export type RedisSource = z.infer<typeof RedisSource>;
export type DataSource = z.infer<typeof DataSource>;
