import { isIP } from 'node:net';
import { DataError } from '../../../shared/data/data-error.js';

/** What the box's server says about itself before a publication is made (see pg-replication-source). */
export interface PgReplicationFacts {
  versionNum: number;
  settings: Record<string, string>;
  slotsUsed: number;
  sendersUsed: number;
  /** Our own slot (left by an earlier start) is already counted in slotsUsed. */
  ownSlot: { active: boolean; confirmedFlush: string | null } | null;
  publication: { allTables: boolean } | null;
  roleExists: boolean;
  /** schema.table of tables whose UPDATE/DELETE would fail once published (no primary key, no replica identity). */
  noIdentity: string[];
  hba: HbaRule[];
  /** Schemas holding the tables to publish (the replication role needs SELECT there for the initial copy). */
  schemas: string[];
  /** What logical replication leaves behind: unlogged tables (schema.table) and large objects. */
  unlogged: string[];
  largeObjects: number;
}

/** Warnings for what replication does not carry (the dump path does). */
export function pgReplicationGaps(facts: Pick<PgReplicationFacts, 'unlogged' | 'largeObjects'>): string[] {
  const out: string[] = [];
  if (facts.unlogged.length) out.push(`unlogged tables are not replicated and stay empty on the target: ${facts.unlogged.slice(0, 5).join(', ')}${facts.unlogged.length > 5 ? ', …' : ''} (make them logged on the box, or copy them by hand at the cutover)`);
  if (facts.largeObjects > 0) out.push(`${facts.largeObjects} large object${facts.largeObjects > 1 ? 's are' : ' is'} not replicated (pg_largeobject): copy them with the dump path, or move them into bytea columns first`);
  return out;
}

/** A row of pg_hba_file_rules. */
export interface HbaRule {
  line: number;
  type: string;
  databases: string[];
  users: string[];
  address: string;
  netmask: string;
  method: string;
  error: string;
}

export type PreconditionCheck = 'version' | 'wal_level' | 'replication_slots' | 'wal_senders' | 'listen_addresses' | 'pg_hba' | 'replica_identity' | 'publication';

export interface PreconditionFailure {
  check: PreconditionCheck;
  message: string;
  fix: string;
}

/** REPLICATION_PRECONDITION with every unmet precondition, each explained with its fix. */
export class ReplicationPreconditionError extends DataError {
  constructor(
    label: string,
    readonly failures: PreconditionFailure[],
  ) {
    super('REPLICATION_PRECONDITION', `logical replication cannot start from ${label}: ${failures.map((f) => f.message).join('; ')}`, `${failures.map((f) => f.fix).join('; ')}; or copy with the dump path (dump-restore), which needs none of this but freezes writes for the whole copy`);
  }
}

/** Slots and senders one subscription needs at once: its own, plus a table-sync worker's (two by default on the target). */
const SLOTS_NEEDED = 3;

function ipv4(text: string): number | null {
  if (isIP(text) !== 4) return null;
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Whether an hba line's address covers `ip`: true, false, or null when only the server can tell (host names, samenet, IPv6). */
function addressMatches(rule: HbaRule, ip: string): boolean | null {
  if (rule.address === 'all') return true;
  if (rule.address === 'samehost' || rule.address === 'samenet') return null;
  const a = ipv4(rule.address);
  const m = ipv4(rule.netmask);
  const x = ipv4(ip);
  if (a === null || m === null || x === null) {
    // A line for the other address family never matches; IPv6 masks are left to the server.
    if (isIP(rule.address) && isIP(ip)) return isIP(rule.address) !== isIP(ip) ? false : rule.address === ip ? true : null;
    return null;
  }
  return ((a ^ x) & m) >>> 0 === 0 ? true : false;
}

/**
 * The first pg_hba line a TCP connection of `user` to `database` from `ip` would meet (logical
 * replication connections name the database; the `replication` keyword matches physical ones
 * only); null when none is sure to match.
 */
export function hbaRuleFor(rules: HbaRule[], database: string, user: string, ip: string): { rule: HbaRule | null; uncertain: boolean } {
  for (const rule of rules) {
    if (rule.error || !rule.type.startsWith('host')) continue;
    if (!rule.databases.some((d) => d === 'all' || d === database)) {
      if (rule.databases.some((d) => d.startsWith('@') || d === 'samerole' || d === 'samegroup')) return { rule, uncertain: true };
      continue;
    }
    if (!rule.users.some((u) => u === 'all' || u === user)) {
      if (rule.users.some((u) => u.startsWith('+') || u.startsWith('@'))) return { rule, uncertain: true };
      continue;
    }
    const matches = addressMatches(rule, ip);
    if (matches === null) return { rule, uncertain: true };
    if (matches) return { rule, uncertain: false };
  }
  return { rule: null, uncertain: false };
}

const REFUSING = new Set(['reject', 'ident', 'peer', 'gss', 'sspi', 'ldap', 'radius', 'pam', 'bsd']);

/** Logical replication needs PostgreSQL 10 on the box (`server_version_num`). */
export function pgVersionFailure(versionNum: number): PreconditionFailure | null {
  if (versionNum >= 100000) return null;
  return { check: 'version', message: `the box runs PostgreSQL ${Math.floor(versionNum / 10000) || 'older than 10'}, and logical replication needs 10 or later`, fix: 'upgrade PostgreSQL on the box, or use the dump path' };
}

/** Every precondition the box fails, explained; empty when replication can start. */
export function pgReplicationFailures(facts: PgReplicationFacts, want: { database: string; role: string; sourceHost: string; targetAddress?: string }): PreconditionFailure[] {
  const out: PreconditionFailure[] = [];
  const s = facts.settings;
  const old = pgVersionFailure(facts.versionNum);
  if (old) return [old];
  if (s.wal_level !== 'logical') {
    out.push({ check: 'wal_level', message: `wal_level is ${s.wal_level ?? '?'}, not logical`, fix: 'set wal_level = logical in postgresql.conf (ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL on the box — a restart, not a reload: plan a few seconds of downtime before the copy' });
  }
  const slotsFree = Number(s.max_replication_slots ?? 0) - facts.slotsUsed + (facts.ownSlot ? 1 : 0);
  if (slotsFree < SLOTS_NEEDED) {
    out.push({ check: 'replication_slots', message: `max_replication_slots is ${s.max_replication_slots ?? '?'} with ${facts.slotsUsed} in use: replication needs ${SLOTS_NEEDED} free (its own and the initial table copies')`, fix: `raise max_replication_slots to at least ${facts.slotsUsed + SLOTS_NEEDED} (needs a restart)` });
  }
  const sendersFree = Number(s.max_wal_senders ?? 0) - facts.sendersUsed;
  if (sendersFree < SLOTS_NEEDED) {
    out.push({ check: 'wal_senders', message: `max_wal_senders is ${s.max_wal_senders ?? '?'} with ${facts.sendersUsed} busy: replication needs ${SLOTS_NEEDED} free`, fix: `raise max_wal_senders to at least ${facts.sendersUsed + SLOTS_NEEDED} (needs a restart)` });
  }
  const listen = (s.listen_addresses ?? '').split(',').map((a) => a.trim());
  const loopbackOnly = listen.every((a) => a === 'localhost' || a.startsWith('127.') || a === '::1' || a === '');
  if (loopbackOnly && !/^(localhost|127\.|::1$)/.test(want.sourceHost)) {
    out.push({ check: 'listen_addresses', message: `PostgreSQL listens on ${s.listen_addresses || '(nothing)'} only, so the target cannot reach it at ${want.sourceHost}`, fix: `set listen_addresses to include ${want.sourceHost} (or '*', with the firewall and pg_hba.conf limiting who gets in) and restart PostgreSQL, or reach it through a tunnel` });
  }
  if (want.targetAddress) {
    const { rule, uncertain } = hbaRuleFor(facts.hba, want.database, want.role, want.targetAddress);
    const line = `${s.ssl === 'on' ? 'hostssl' : 'host'} ${want.database} ${want.role} ${want.targetAddress}/${isIP(want.targetAddress) === 6 ? 128 : 32} scram-sha-256`;
    if (!uncertain && (!rule || REFUSING.has(rule.method))) {
      out.push({
        check: 'pg_hba',
        message: rule ? `pg_hba.conf line ${rule.line} (${rule.method}) turns away ${want.role} from ${want.targetAddress}` : `no pg_hba.conf line admits ${want.role} to ${want.database} from ${want.targetAddress}`,
        fix: `add \`${line}\` to pg_hba.conf above the other lines, then SELECT pg_reload_conf() (a reload, no restart)`,
      });
    }
  }
  if (facts.noIdentity.length) {
    const some = facts.noIdentity.slice(0, 5);
    out.push({
      check: 'replica_identity',
      message: `${facts.noIdentity.length} table${facts.noIdentity.length > 1 ? 's have' : ' has'} neither a primary key nor a replica identity (${some.join(', ')}${facts.noIdentity.length > 5 ? ', …' : ''}): once published, the app's UPDATE and DELETE on them would fail`,
      fix: `add a primary key, or run ALTER TABLE … REPLICA IDENTITY FULL on ${some.join(', ')}${facts.noIdentity.length > 5 ? ' and the others' : ''}`,
    });
  }
  if (facts.publication && !facts.publication.allTables) {
    out.push({ check: 'publication', message: 'the box already has a publication named skylift that does not cover all tables', fix: 'drop it (DROP PUBLICATION skylift) if it is a leftover, or rename it' });
  }
  return out;
}
