import pg from 'pg';
import { DataError, scrub } from '../../../shared/data/data-error.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { authFailed, connectError, describeStatement, tlsRequired, tlsUnavailable } from './target-errors.js';
import { tlsOptions } from './tls-options.js';

const CONNECT_TIMEOUT_MS = 20_000;
const NO_TLS = /does not support SSL/i;

interface PgError {
  code?: string;
  message?: string;
}

/** Maps a connection failure to what the user must do; `database` is what was asked for. */
function connectFailure(err: unknown, url: TargetUrl, database: string): DataError {
  const net = connectError(err, url);
  if (net) return net;
  const e = err as PgError;
  const message = scrub(String(e.message ?? err), [url.password]);
  if (NO_TLS.test(message)) return tlsUnavailable(url, err);
  if (e.code === '28000' && /no encryption|SSL off/i.test(message)) return tlsRequired(url, err);
  if (e.code === '28P01' || e.code === '28000') return authFailed(url, err);
  if (e.code === '3D000') return new DataError('TARGET_PERMISSION', `the target has no database "${database}"`, 'create it, or give a user that may create databases (CREATEDB)', { cause: err });
  return new DataError('TARGET_UNREACHABLE', `cannot connect to the target ${url.masked}: ${message}`, 'check the URL, the instance state and its security group', { cause: err });
}

/**
 * A client logged in to `database` on the target, TLS per the URL (`prefer` falls back to plain
 * text only when the server says it has no TLS). Resolves null when the database does not exist
 * and `missingOk` is set.
 */
export async function connectPg(url: TargetUrl, database: string, opts: { missingOk?: boolean } = {}): Promise<pg.Client | null> {
  const tls = tlsOptions(url);
  const attempt = async (ssl: pg.ClientConfig['ssl']): Promise<pg.Client> => {
    const client = new pg.Client({
      host: url.host,
      port: url.port,
      user: url.user ?? undefined,
      password: url.password ?? undefined,
      database,
      ssl,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'skylift',
    });
    // A dead socket is reported on the query in flight; without a listener it would crash us.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  };
  try {
    try {
      return await attempt(tls ?? false);
    } catch (err) {
      if (url.tls.mode === 'prefer' && NO_TLS.test(String((err as Error).message))) return await attempt(false);
      throw err;
    }
  } catch (err) {
    if (opts.missingOk && (err as PgError).code === '3D000') return null;
    throw connectFailure(err, url, database);
  }
}

/** A statement that failed on the target, named without its row data; null for what is not a server or network error. */
export function pgStatementError(err: unknown, statement: string, url: TargetUrl): DataError | null {
  const e = err as PgError;
  if (e instanceof DataError) return e;
  const net = connectError(err, url);
  if (net) return net;
  if (!(err instanceof pg.DatabaseError) && !/Connection terminated|connection.*(closed|ended)/i.test(String(e.message))) return null;
  const message = scrub(String(e.message ?? err), [url.password]);
  const what = describeStatement(statement);
  if (e.code === '42501') {
    return new DataError('TARGET_PERMISSION', `the target user may not do this: ${message} (at: ${what})`, 'use the RDS master user (it holds rds_superuser), or grant the missing privilege', { cause: err });
  }
  if (/Connection terminated|connection.*(closed|ended)/i.test(message)) {
    return new DataError('TARGET_UNREACHABLE', `the connection to the target dropped (at: ${what})`, 'check the network to the target and run again', { cause: err });
  }
  return new DataError('RESTORE_FAILED', `the target refused a statement: ${message} (at: ${what})`, 'fix the cause on the target (or the object on the box), then run again: the failed copy left nothing behind', { cause: err });
}

/** `server_version_num` of a connected client. */
export async function pgServerVersion(client: pg.Client): Promise<string> {
  const r = await client.query<{ v: string }>("select current_setting('server_version_num') as v");
  return r.rows[0]?.v ?? '';
}
