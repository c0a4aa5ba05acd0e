import type { BoxReplicationFacts } from './mysql-replication-box.js';

/** What binlog replication needs from the box and the target, each unmet need explained. */

export interface ReplicationChecks {
  errors: string[];
  warnings: string[];
}

const LOOPBACK = /^(127\.|::1$|localhost$)/i;

export function mysqlReplicationChecks(box: BoxReplicationFacts, opts: { label: string; database: string; targetDatabase: string; targetServerId: number; targetGtidMode: string | null; sourceHost: string; hasEvents: boolean }): ReplicationChecks {
  const { vars } = box;
  const errors: string[] = [];
  const warnings: string[] = [];
  const on = (v: string | undefined): boolean => v === 'ON' || v === '1';
  if (!on(vars.log_bin)) {
    errors.push(`binary logging is off on ${opts.label} (log_bin = ${vars.log_bin ?? 'OFF'}): set log_bin = mysql-bin (and server_id, binlog_format = ROW) under [mysqld] in the server's config and restart it — the plan schedules that restart`);
  }
  const serverId = Number(vars.server_id ?? 0);
  if (!serverId) errors.push(`server_id is 0 on ${opts.label}, and a replica refuses a source without one: set server_id to a number unique among the servers (e.g. 1) under [mysqld] and restart`);
  else if (serverId === opts.targetServerId) errors.push(`server_id is ${serverId} on both ${opts.label} and the target: a replica ignores events carrying its own id; give the box another server_id and restart it`);
  const format = (vars.binlog_format ?? '').toUpperCase();
  if (on(vars.log_bin) && format !== 'ROW') {
    warnings.push(`binlog_format is ${format || 'unknown'} on ${opts.label}: ROW is preferred (statements with NOW(), RAND() or LIMIT can apply differently on the target); set binlog_format = ROW and restart when you can`);
  }
  // MySQL only (MariaDB's GTIDs need no mode): a replica with gtid_mode OFF refuses GTID transactions.
  if (vars.gtid_mode === 'ON' && opts.targetGtidMode === 'OFF') {
    errors.push(`gtid_mode is ON on ${opts.label} and OFF on the target, which then refuses the box's transactions: set gtid_mode = OFF_PERMISSIVE (or ON_PERMISSIVE) in the target's DB parameter group`);
  }
  if (on(vars.skip_networking)) errors.push(`the server on ${opts.label} does not listen on TCP (skip_networking): the target must connect to it; turn skip_networking off and restart`);
  else if (vars.bind_address && LOOPBACK.test(vars.bind_address) && !LOOPBACK.test(opts.sourceHost)) {
    errors.push(`the server on ${opts.label} listens on ${vars.bind_address} only, so the target cannot reach ${opts.sourceHost}: set bind_address to the box's private/public address (or 0.0.0.0 with a firewall allowing only the target), or replicate through a tunnel`);
  }
  if (opts.targetDatabase !== opts.database) {
    errors.push(`the target database "${opts.targetDatabase}" is named differently from "${opts.database}" on the box: replicated events carry the box's name; use the same name for the target database`);
  }
  const others = box.databases.filter((d) => d !== opts.database);
  if (others.length) {
    warnings.push(`the box also holds ${others.slice(0, 5).join(', ')}${others.length > 5 ? '…' : ''}: their changes reach the target too and stop replication when it lacks them; set replicate-do-db = ${opts.database} in the target's DB parameter group`);
  }
  if (opts.hasEvents) warnings.push('the database has scheduled events: keep event_scheduler off on the target until the switch, or they run twice (on the box, replicated, and on the target)');
  return { errors, warnings };
}
