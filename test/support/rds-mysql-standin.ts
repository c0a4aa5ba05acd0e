/**
 * A local MariaDB standing in for RDS for MariaDB/MySQL as a replication target: a master user
 * holding only what RDS gives its master user (no SUPER, no REPLICATION SLAVE ADMIN / REPLICA
 * MONITOR), and RDS's replication interface as stored procedures in `mysql`, defined by root
 * with SQL SECURITY DEFINER, which the master user may only EXECUTE:
 *   rds_set_external_master / rds_set_external_source (host, port, user, password, file, pos, ssl)
 *   rds_start_replication, rds_stop_replication
 *   rds_reset_external_master / rds_reset_external_source
 *   rds_replica_status (RDS for MariaDB 10.5+: its master user may not SHOW REPLICA STATUS)
 * CHANGE MASTER TO accepts literals only, so the procedure builds it as text (values through
 * QUOTE()) and runs it as a prepared statement: MariaDB 10.11 allows CHANGE MASTER in PREPARE
 * inside a stored procedure. The server has its own server_id (2; the box's test servers use 1).
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { startMariadb, type MariadbService } from './services.js';

/** The privileges RDS gives its MySQL/MariaDB master user ("Master user account privileges"). */
export const RDS_MASTER_PRIVILEGES =
  'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, BINLOG MONITOR, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER';

const DEFINER = 'DEFINER = `root`@`localhost` PROCEDURE';
const SET_SOURCE_ARGS = 'host varchar(255), port int, user varchar(255), pass varchar(255), log_file varchar(255), log_pos bigint unsigned, ssl_encryption int';

const PROCEDURES = [
  `create ${DEFINER} mysql.rds_set_external_master(${SET_SOURCE_ARGS}) sql security definer begin
    set @rds_change = concat('change master to master_host = ', quote(host), ', master_port = ', port,
      ', master_user = ', quote(user), ', master_password = ', quote(pass),
      ', master_log_file = ', quote(log_file), ', master_log_pos = ', log_pos,
      ', master_ssl = ', if(ssl_encryption, 1, 0), ', master_use_gtid = no');
    prepare rds_stmt from @rds_change;
    set @rds_change = null;
    execute rds_stmt;
    deallocate prepare rds_stmt;
  end`,
  `create ${DEFINER} mysql.rds_set_external_source(${SET_SOURCE_ARGS}) sql security definer
    call mysql.rds_set_external_master(host, port, user, pass, log_file, log_pos, ssl_encryption)`,
  `create ${DEFINER} mysql.rds_start_replication() sql security definer start slave`,
  `create ${DEFINER} mysql.rds_stop_replication() sql security definer stop slave`,
  `create ${DEFINER} mysql.rds_reset_external_master() sql security definer begin stop slave; reset slave all; end`,
  `create ${DEFINER} mysql.rds_reset_external_source() sql security definer call mysql.rds_reset_external_master()`,
  `create ${DEFINER} mysql.rds_replica_status() sql security definer show replica status`,
];

export interface RdsMysqlStandin {
  server: MariadbService;
  masterUser: string;
  masterPassword: string;
  /** A target URL for the master user (plain text on loopback). */
  url(database: string): string;
  stop(): Promise<void>;
}

/** A master user as RDS creates one (the AWS double's RDS provisions it this way too). */
export async function createMasterUser(server: MariadbService, user: string, password: string): Promise<void> {
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  try {
    await admin.query('create user ?@? identified by ?', [user, '127.0.0.1', password]);
    await admin.query(`grant ${RDS_MASTER_PRIVILEGES} on *.* to ?@? with grant option`, [user, '127.0.0.1']);
  } finally {
    await admin.end();
  }
}

export async function startRdsMysqlStandin(opts: { serverId?: number } = {}): Promise<RdsMysqlStandin> {
  // log_bin_trust_function_creators = 1 is what the target's DB parameter group must say on RDS.
  const server = await startMariadb({ args: [`--server-id=${opts.serverId ?? 2}`, '--log-bin-trust-function-creators=1'], tls: true });
  const masterPassword = `m-${randomBytes(8).toString('hex')}`;
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  try {
    for (const sql of PROCEDURES) await admin.query(sql);
  } finally {
    await admin.end();
  }
  await createMasterUser(server, 'master', masterPassword);
  return {
    server,
    masterUser: 'master',
    masterPassword,
    url: (database) => `mysql://master:${encodeURIComponent(masterPassword)}@127.0.0.1:${server.port}/${database}?ssl-mode=DISABLED`,
    stop: () => server.stop(),
  };
}
