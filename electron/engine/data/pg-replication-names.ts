import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** The publication on the box: one per database (publications live in a database). */
export const PUBLICATION = 'skylift';

/**
 * The name of the subscription on the target, of its slot and of the replication role on the
 * box: slots and roles are cluster-wide, so each replicated database gets its own (a second
 * database's start must not re-set the password the first one's subscription uses). Slot names
 * allow only [a-z0-9_], up to 63 characters.
 */
export function replicationName(database: string): string {
  const readable = database.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  return `skylift_${readable}_${hash}`;
}

/** A fresh password for the replication role: made for one run, never written anywhere of ours. */
export const newReplicationPassword = (): string => randomBytes(24).toString('hex');

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802, as `CREATE ROLE …
 * PASSWORD` takes it pre-hashed): the password itself never reaches the box, not even its
 * statement log. Our passwords are hex, so SASLprep leaves them as they are.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** One libpq keyword value, quoted (libpq: single quotes, backslash escapes). */
const conninfoValue = (v: string | number): string => `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface PublisherConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Left out for the statement that creates the subscription (see createSubscription). */
  password?: string;
  sslmode: 'disable' | 'prefer' | 'require';
}

/** The connection string the target's subscription uses to reach the box's PostgreSQL. */
export function publisherConninfo(c: PublisherConnection): string {
  const pairs: [string, string | number][] = [
    ['host', c.host],
    ['port', c.port],
    ['dbname', c.database],
    ['user', c.user],
    ...(c.password === undefined ? [] : [['password', c.password] as [string, string]]),
    ['sslmode', c.sslmode],
    ['connect_timeout', 20],
  ];
  return pairs.map(([k, v]) => `${k}=${conninfoValue(v)}`).join(' ');
}
