import mysql from 'mysql2/promise';
import { DataError, scrub } from '../../../shared/data/data-error.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { authFailed, connectError, describeStatement, tlsInvalid, tlsRequired, tlsUnavailable } from './target-errors.js';
import { tlsOptions } from './tls-options.js';

interface MysqlError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
}

export const RDS_PARAMETER_HINT = 'set log_bin_trust_function_creators = 1 in the target\'s DB parameter group (RDS grants no SUPER), then run again';

function sslFor(url: TargetUrl): mysql.SslOptions | undefined {
  const tls = tlsOptions(url);
  if (!tls) return undefined;
  return { ...(tls.ca ? { ca: tls.ca as string } : {}), rejectUnauthorized: tls.rejectUnauthorized ?? false, ...(url.tls.mode === 'verify-full' ? { verifyIdentity: true } : {}) } as mysql.SslOptions;
}

function connectFailure(err: unknown, url: TargetUrl): DataError {
  const e = err as MysqlError;
  if (e.code === 'HANDSHAKE_NO_SSL_SUPPORT') return tlsUnavailable(url, err);
  const message = scrub(String(e.message ?? err), [url.password]);
  if (/insecure transport|secure transport|require.*(SSL|TLS)/i.test(message) || e.errno === 3159) return tlsRequired(url, err);
  // mysql2 replaces the TLS error's own code with HANDSHAKE_SSL_ERROR: only the words are left.
  if (e.code === 'HANDSHAKE_SSL_ERROR') return /certificate|altname|self.signed|unable to verify/i.test(message) ? tlsInvalid(message, err) : tlsUnavailable(url, err);
  const net = connectError(err, url);
  if (net) return net;
  if (e.errno === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR') return authFailed(url, err);
  return new DataError('TARGET_UNREACHABLE', `cannot connect to the target ${url.masked}: ${message}`, 'check the URL, the instance state and its security group', { cause: err });
}

/** A connection to the target server (no database selected), TLS per the URL; `prefer` falls back to plain text only when the server offers no TLS. */
export async function connectMysql(url: TargetUrl): Promise<mysql.Connection> {
  const attempt = (ssl: mysql.SslOptions | undefined) =>
    mysql.createConnection({
      host: url.host,
      port: url.port,
      user: url.user ?? undefined,
      password: url.password ?? undefined,
      ssl,
      charset: 'utf8mb4',
      connectTimeout: 20_000,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      enableKeepAlive: true,
      // Statements go out as they are: a dump's `?` are data, and scanning each megabyte-long
      // INSERT for placeholders costs more than the rest of the copy's CPU. Skylift uses none.
      queryFormat: ((sql: string) => sql) as unknown as mysql.ConnectionOptions['queryFormat'],
    });
  try {
    let conn: mysql.Connection;
    try {
      conn = await attempt(sslFor(url));
    } catch (err) {
      if (url.tls.mode !== 'prefer' || (err as MysqlError).code !== 'HANDSHAKE_NO_SSL_SUPPORT') throw err;
      conn = await attempt(undefined);
    }
    // A dead socket is reported on the query in flight; without a listener it would crash us.
    conn.on('error', () => undefined);
    return conn;
  } catch (err) {
    throw connectFailure(err, url);
  }
}

/** A statement that failed on the target, named without its row data; null for what is neither server nor network error. */
export function mysqlStatementError(err: unknown, statement: string, url: TargetUrl): DataError | null {
  if (err instanceof DataError) return err;
  const e = err as MysqlError;
  const net = connectError(err, url);
  if (net) return net;
  if (typeof e.sqlMessage !== 'string' && !/PROTOCOL_CONNECTION_LOST|closed state/i.test(`${e.code} ${e.message}`)) return null;
  const message = scrub(String(e.sqlMessage ?? e.message ?? err), [url.password]);
  const what = describeStatement(statement);
  if (e.errno === 1419) return new DataError('TARGET_PERMISSION', `the target refuses stored functions and triggers from a user without SUPER while binary logging is on (at: ${what})`, RDS_PARAMETER_HINT, { cause: err });
  if (e.errno === 1044 || e.errno === 1142 || e.errno === 1227 || e.errno === 1370) {
    return new DataError('TARGET_PERMISSION', `the target user may not do this: ${message} (at: ${what})`, 'use the RDS master user, or grant the missing privilege on the target database', { cause: err });
  }
  if (/PROTOCOL_CONNECTION_LOST|closed state/i.test(`${e.code} ${e.message}`)) {
    return new DataError('TARGET_UNREACHABLE', `the connection to the target dropped (at: ${what})`, 'check the network to the target and run again', { cause: err });
  }
  return new DataError('RESTORE_FAILED', `the target refused a statement: ${message} (at: ${what})`, 'fix the cause (on the box or the target), then run again', { cause: err });
}

