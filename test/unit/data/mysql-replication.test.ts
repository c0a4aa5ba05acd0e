import { describe, expect, it } from 'vitest';
import { mysqlReplicationChecks } from '../../../electron/engine/data/mysql-replication-checks.js';
import { compareCoordinates, CoordinatesTap, sourceDataFlag } from '../../../electron/engine/data/mysql-replication-coordinates.js';
import { parseReplicaStatus } from '../../../electron/engine/data/mysql-replication-target.js';

describe('binlog coordinates in a dump', () => {
  it('reads them across chunk boundaries, in both spellings', () => {
    const text = "/*!40101 SET NAMES utf8mb4 */;\n-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000042', MASTER_LOG_POS=1234567;\nDROP TABLE IF EXISTS `t`;\n";
    const tap = new CoordinatesTap();
    for (let i = 0; i < text.length; i += 7) tap.push(Buffer.from(text.slice(i, i + 7)));
    expect(tap.coordinates).toEqual({ file: 'mysql-bin.000042', position: 1234567 });

    const renamed = new CoordinatesTap();
    renamed.push(Buffer.from("-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=157;\n"));
    expect(renamed.coordinates).toEqual({ file: 'binlog.000002', position: 157 });
  });

  it('gives up after the head of a dump that has none', () => {
    const tap = new CoordinatesTap();
    tap.push(Buffer.alloc(70 * 1024, 'x'));
    tap.push(Buffer.from("-- CHANGE MASTER TO MASTER_LOG_FILE='b.000001', MASTER_LOG_POS=4;"));
    expect(tap.coordinates).toBeNull();
  });

  it('orders positions by file number, then offset', () => {
    expect(compareCoordinates({ file: 'b.000010', position: 4 }, { file: 'b.000009', position: 999 })).toBeGreaterThan(0);
    expect(compareCoordinates({ file: 'b.000009', position: 5 }, { file: 'b.000009', position: 5 })).toBe(0);
    expect(compareCoordinates({ file: 'b.000009', position: 4 }, { file: 'b.000009', position: 5 })).toBeLessThan(0);
  });

  it('asks mysqldump 8.0.26+ for --source-data, everything else for --master-data', () => {
    expect(sourceDataFlag({ flavor: 'mysql', version: { key: [8, 0, 36] } })).toBe('--source-data=2');
    expect(sourceDataFlag({ flavor: 'mysql', version: { key: [8, 0, 25] } })).toBe('--master-data=2');
    expect(sourceDataFlag({ flavor: 'mariadb', version: { key: [10, 11, 6] } })).toBe('--master-data=2');
  });
});

describe('replica status', () => {
  it('reads RDS for MariaDB\'s rds_replica_status (Source/Replica names) like SHOW SLAVE STATUS', () => {
    const rds = parseReplicaStatus({
      Source_Host: '203.0.113.7',
      Source_Port: 3306,
      Source_Log_File: 'mysql-bin.000012',
      Read_Source_Log_Pos: 900,
      Relay_Source_Log_File: 'mysql-bin.000012',
      Exec_Source_Log_Pos: 850,
      Replica_IO_Running: 'Yes',
      Replica_SQL_Running: 'Yes',
      Seconds_Behind_Master: 3,
      Last_IO_Errno: 0,
      Last_SQL_Errno: 0,
    });
    expect(rds).toMatchObject({ configured: true, sourceHost: '203.0.113.7', sourcePort: 3306, ioRunning: true, sqlRunning: true, secondsBehind: 3, executed: { file: 'mysql-bin.000012', position: 850 }, lastSqlError: null });

    const failing = parseReplicaStatus({ Master_Host: 'box', Master_Port: 3306, Slave_IO_Running: 'Connecting', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: null, Last_IO_Errno: 2003, Last_IO_Error: "Can't connect", Last_SQL_Errno: 0, Relay_Master_Log_File: '', Exec_Master_Log_Pos: 0 });
    expect(failing).toMatchObject({ ioRunning: false, ioState: 'Connecting', secondsBehind: null, executed: null, lastIoError: { errno: 2003 } });
    expect(parseReplicaStatus(undefined).configured).toBe(false);
  });
});

describe('replication preconditions', () => {
  const base = { label: 'root@box', database: 'app', targetDatabase: 'app', targetServerId: 2, targetGtidMode: null, sourceHost: '203.0.113.7', hasEvents: false };
  const good = { log_bin: 'ON', binlog_format: 'ROW', server_id: '1', bind_address: '0.0.0.0', skip_networking: 'OFF' };

  it('passes a box set up for replication', () => {
    expect(mysqlReplicationChecks({ vars: good, databases: ['app'] }, base)).toEqual({ errors: [], warnings: [] });
  });

  it('names every unmet need with its fix', () => {
    const r = mysqlReplicationChecks({ vars: { ...good, log_bin: 'OFF', server_id: '0', bind_address: '127.0.0.1' }, databases: ['app'] }, base);
    expect(r.errors.join('\n')).toMatch(/binary logging is off[\s\S]*server_id is 0[\s\S]*listens on 127\.0\.0\.1 only/);
  });

  it('warns about statement logging, other databases and events; refuses a renamed database and GTIDs the target refuses', () => {
    const r = mysqlReplicationChecks({ vars: { ...good, binlog_format: 'MIXED', gtid_mode: 'ON' }, databases: ['app', 'crm'] }, { ...base, targetDatabase: 'app2', targetGtidMode: 'OFF', hasEvents: true });
    expect(r.warnings.join('\n')).toMatch(/binlog_format is MIXED[\s\S]*crm[\s\S]*replicate-do-db[\s\S]*event_scheduler/);
    expect(r.errors.join('\n')).toMatch(/gtid_mode is ON[\s\S]*"app2"/);
  });

  it('accepts a loopback-bound server when the target reaches it through a tunnel on loopback', () => {
    expect(mysqlReplicationChecks({ vars: { ...good, bind_address: '127.0.0.1' }, databases: ['app'] }, { ...base, sourceHost: '127.0.0.1' }).errors).toEqual([]);
  });
});
