import { describe, expect, it } from 'vitest';
import { hbaRuleFor, pgReplicationFailures, pgReplicationGaps, type HbaRule, type PgReplicationFacts } from '../../../electron/engine/data/pg-replication-checks.js';
import { publisherConninfo, replicationName, scramVerifier } from '../../../electron/engine/data/pg-replication-names.js';

const rule = (line: number, type: string, databases: string, users: string, address: string, netmask: string, method: string): HbaRule => ({ line, type, databases: databases.split(','), users: users.split(','), address, netmask, method, error: '' });

/** initdb's pg_hba.conf, as pg_hba_file_rules shows it. */
const INITDB = [
  rule(1, 'local', 'all', 'all', '', '', 'trust'),
  rule(2, 'host', 'all', 'all', '127.0.0.1', '255.255.255.255', 'scram-sha-256'),
  rule(3, 'host', 'all', 'all', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'scram-sha-256'),
  rule(4, 'local', 'replication', 'all', '', '', 'trust'),
  rule(5, 'host', 'replication', 'all', '127.0.0.1', '255.255.255.255', 'scram-sha-256'),
];

const good = (over: Partial<PgReplicationFacts> = {}): PgReplicationFacts => ({
  versionNum: 150004,
  settings: { wal_level: 'logical', max_replication_slots: '10', max_wal_senders: '10', listen_addresses: '*', ssl: 'off' },
  slotsUsed: 0,
  sendersUsed: 0,
  ownSlot: null,
  publication: null,
  roleExists: false,
  noIdentity: [],
  hba: INITDB,
  schemas: ['public'],
  unlogged: [],
  largeObjects: 0,
  ...over,
});
const want = { database: 'shop', role: 'skylift_shop_x', sourceHost: '203.0.113.5' };

describe('pg_hba.conf matching', () => {
  it('finds the first line for the address, skipping the other family and the physical-replication keyword', () => {
    expect(hbaRuleFor(INITDB, 'shop', 'r', '127.0.0.1')).toEqual({ rule: INITDB[1], uncertain: false });
    expect(hbaRuleFor(INITDB, 'shop', 'r', '10.0.0.9')).toEqual({ rule: null, uncertain: false });
    expect(hbaRuleFor([rule(7, 'host', 'replication', 'all', '10.0.0.0', '255.0.0.0', 'md5')], 'shop', 'r', '10.0.0.9').rule).toBeNull();
  });

  it('honours masks, named databases and users, and the order of lines', () => {
    const rules = [rule(1, 'host', 'shop', 'app', '10.0.0.0', '255.0.0.0', 'md5'), rule(2, 'hostssl', 'shop', 'r', '10.1.0.0', '255.255.0.0', 'reject'), rule(3, 'host', 'all', 'all', '0.0.0.0', '0.0.0.0', 'scram-sha-256')];
    expect(hbaRuleFor(rules, 'shop', 'r', '10.1.2.3').rule?.line).toBe(2);
    expect(hbaRuleFor(rules, 'shop', 'r', '10.2.2.3').rule?.line).toBe(3);
    expect(hbaRuleFor(rules, 'shop', 'app', '10.1.2.3').rule?.line).toBe(1);
  });

  it('leaves to the server what only it can tell (host names, samenet, groups)', () => {
    expect(hbaRuleFor([rule(1, 'host', 'all', 'all', 'samenet', '', 'md5')], 'shop', 'r', '10.0.0.1').uncertain).toBe(true);
    expect(hbaRuleFor([rule(1, 'host', 'all', '+admins', '10.0.0.0', '255.0.0.0', 'md5')], 'shop', 'r', '10.0.0.1').uncertain).toBe(true);
    expect(hbaRuleFor([rule(1, 'host', 'all', 'all', '.example.com', '', 'md5')], 'shop', 'r', '10.0.0.1').uncertain).toBe(true);
  });
});

describe('replication preconditions', () => {
  it('passes a box that is ready', () => {
    expect(pgReplicationFailures(good(), { ...want, targetAddress: '127.0.0.1' })).toEqual([]);
  });

  it('names every unmet precondition with its fix', () => {
    const facts = good({ settings: { wal_level: 'replica', max_replication_slots: '2', max_wal_senders: '3', listen_addresses: 'localhost', ssl: 'on' }, sendersUsed: 1, noIdentity: ['public.events'] });
    const failures = pgReplicationFailures(facts, { ...want, targetAddress: '198.51.100.7' });
    expect(failures.map((f) => f.check)).toEqual(['wal_level', 'replication_slots', 'wal_senders', 'listen_addresses', 'pg_hba', 'replica_identity']);
    expect(failures[0]!.fix).toMatch(/restart/);
    expect(failures[1]!.fix).toMatch(/at least 3/);
    expect(failures[2]!.fix).toMatch(/at least 4/);
    expect(failures[4]!.fix).toContain('hostssl shop skylift_shop_x 198.51.100.7/32 scram-sha-256');
    expect(failures[5]!.fix).toContain('REPLICA IDENTITY FULL');
  });

  it('counts the slot an earlier start left as its own, and refuses servers older than 10 alone', () => {
    expect(pgReplicationFailures(good({ settings: { ...good().settings, max_replication_slots: '3' }, slotsUsed: 1, ownSlot: { active: false, confirmedFlush: null } }), want)).toEqual([]);
    expect(pgReplicationFailures(good({ versionNum: 90624, settings: {} }), want).map((f) => f.check)).toEqual(['version']);
  });

  it('warns of what replication leaves behind: unlogged tables and large objects', () => {
    expect(pgReplicationGaps({ unlogged: [], largeObjects: 0 })).toEqual([]);
    const gaps = pgReplicationGaps({ unlogged: ['public.cache'], largeObjects: 3 });
    expect(gaps[0]).toMatch(/unlogged .*public\.cache/);
    expect(gaps[1]).toMatch(/^3 large objects are not replicated/);
  });

  it('refuses a lookalike publication that does not cover every table', () => {
    expect(pgReplicationFailures(good({ publication: { allTables: false } }), want).map((f) => f.check)).toEqual(['publication']);
  });
});

describe('names and connection strings', () => {
  it('gives each database its own slot-safe name', () => {
    const a = replicationName('Shop-DB "prod"');
    expect(a).toMatch(/^skylift_shop_db_prod__[0-9a-f]{8}$/);
    expect(replicationName('shop_db_prod_')).not.toBe(a);
    expect(replicationName('x'.repeat(63)).length).toBeLessThanOrEqual(63);
  });

  it('quotes every value, and leaves the password out when asked', () => {
    const c = { host: 'db.example', port: 5432, database: "o'neil\\x", user: 'skylift_r', sslmode: 'prefer' as const };
    expect(publisherConninfo(c)).toBe("host='db.example' port='5432' dbname='o\\'neil\\\\x' user='skylift_r' sslmode='prefer' connect_timeout='20'");
    expect(publisherConninfo({ ...c, password: 'abc' })).toContain("password='abc'");
  });

  it('makes a SCRAM-SHA-256 verifier of the form PostgreSQL stores, salted afresh each time', () => {
    const v = scramVerifier('pencil', Buffer.from('salt-salt-salt16'));
    expect(v).toMatch(/^SCRAM-SHA-256\$4096:c2FsdC1zYWx0LXNhbHQxNg==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(scramVerifier('pencil', Buffer.from('salt-salt-salt16'))).toBe(v);
    expect(scramVerifier('pencil')).not.toBe(scramVerifier('pencil'));
  });
});
