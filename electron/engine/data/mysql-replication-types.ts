import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { CopyResult, DataEvent, DataSource } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import type { BinlogCoordinates } from './mysql-replication-coordinates.js';

/** What binlog replication takes and returns: the same shape as PostgreSQL's logical replication. */

export interface MysqlReplicationOptions {
  session: SshSession;
  source: DataSource;
  /** For `source.user`, when the box's client needs one; never logged. */
  sourcePassword?: string;
  target: TargetUrl;
  /**
   * How the target reaches the box's server (its address as the target sees it: public IP,
   * tunnel end). Required to start; given to status and finish, it is checked against the
   * source the target follows.
   */
  sourceAddress?: { host: string; port: number };
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
  /** Between two looks at the replication state (default 500 ms). */
  pollMs?: number;
}

export interface MysqlReplicationStartOptions extends MysqlReplicationOptions {
  sourceAddress: { host: string; port: number };
  /** Drop what an interrupted first copy left in the target database (replication not yet configured). */
  replace?: boolean;
  myisam?: 'lock' | 'accept';
  /** The account the target logs in to the box as; default `skylift_repl`. */
  replicationUser?: string;
  /** Where that account may log in from (the target's egress address); default any (`%`). */
  replicationHost?: string;
  /** Encrypt the replication stream (MASTER_SSL); default: when the box's server offers TLS. */
  tls?: boolean;
  /** How long to wait for the target to connect to the box; default 60 s. */
  connectTimeoutMs?: number;
}

export interface MysqlReplicationStart {
  engine: 'mysql';
  database: string;
  /** False when an earlier start had configured replication already (a resume): nothing was copied. */
  created: boolean;
  /** Where replication started in the box's binary log (null on a resume). */
  coordinates: BinlogCoordinates | null;
  copy: CopyResult | null;
  tables: number;
  /** The initial copy is complete (it is, once this returns): from here the target follows the box. */
  synced: true;
  replicationUser: string;
  warnings: string[];
  status: MysqlReplicationStatus;
}

export interface MysqlReplicationStatus {
  engine: 'mysql';
  database: string;
  configured: boolean;
  /** Both replica threads run: receiving (IO) and applying (SQL). */
  running: boolean;
  ioRunning: boolean;
  sqlRunning: boolean;
  /** The source the target follows, as configured on it. */
  source: { host: string; port: number | null } | null;
  secondsBehind: number | null;
  /** The box's position the target executed, and where the box's binary log ends now. */
  executed: BinlogCoordinates | null;
  boxPosition: BinlogCoordinates | null;
  /** Binary log not yet executed (bytes), when both positions are in one file. */
  lagBytes: number | null;
  caughtUp: boolean;
  lastError: string | null;
}

export interface MysqlReplicationFinishOptions extends MysqlReplicationOptions {
  /** Bound on the wait for the target to execute the box's last position (default 120 s). */
  timeoutMs?: number;
  replicationUser?: string;
  replicationHost?: string;
}

export interface MysqlReplicationFinish {
  engine: 'mysql';
  database: string;
  /** The box's binary-log position the target reached (null when an earlier finish had detached it). */
  position: BinlogCoordinates | null;
  drainMs: number;
  tables: { table: string; sourceRows: number; targetRows: number | null; match: boolean }[];
  /** Replication had already been detached (a finish that ran before): only the counts were compared. */
  alreadyDetached: boolean;
  /** What this call removed: the target's replication settings, the box's replication account. */
  dropped: { replication: boolean; user: boolean };
  warnings: string[];
}
