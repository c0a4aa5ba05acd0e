import { DataError, scrub } from '../../../shared/data/data-error.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';

/** Where the certificate authority bundle for RDS lives (one bundle for every region). */
export const RDS_CA_HINT = 'pass the CA bundle with sslrootcert=/path/global-bundle.pem (RDS: https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem)';

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);
/** Node's TLS verification codes (SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_CERT_ALTNAME_INVALID…). */
const CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
/** OpenSSL's words when the other side does not speak TLS at all. */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|record layer failure|EPROTO/i;

export interface DriverError {
  code?: string | number;
  errno?: number;
  message?: string;
  reason?: string;
}

/**
 * Network, DNS and TLS failures, which look the same whatever the driver. Returns null when
 * the error is something else (the caller maps authentication and SQL errors).
 */
export function connectError(err: unknown, url: TargetUrl): DataError | null {
  const e = (err ?? {}) as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = scrub(String(e.message ?? err), [url.password]);
  const where = `${url.host}:${url.port}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new DataError('TARGET_UNREACHABLE', `the target host ${url.host} does not resolve (${code})`, 'check the endpoint name (copy it from the RDS/ElastiCache console) and this machine\'s DNS', { cause: err });
  }
  if (NETWORK.has(code) || /timeout|timed out/i.test(message)) {
    return new DataError(
      'TARGET_UNREACHABLE',
      `cannot reach the target at ${where} (${code || message})`,
      'check the endpoint and port, that the instance is available, and that its security group admits this machine\'s address (RDS/ElastiCache in a private subnet need a VPN, a bastion tunnel or an instance inside the VPC)',
      { cause: err },
    );
  }
  if (CERT.test(code)) return tlsInvalid(message, err);
  if (url.tls.mode !== 'disable' && (NOT_TLS.test(code) || NOT_TLS.test(message))) {
    return tlsUnavailable(url, err);
  }
  return null;
}

export function tlsInvalid(message: string, cause?: unknown): DataError {
  return new DataError('TARGET_TLS_INVALID', `the target's TLS certificate was not accepted: ${message}`, `${RDS_CA_HINT}; or sslmode=require to encrypt without checking the certificate`, { cause });
}

export function tlsUnavailable(url: TargetUrl, cause?: unknown): DataError {
  return new DataError(
    'TARGET_TLS_UNAVAILABLE',
    `the target at ${url.host}:${url.port} does not offer TLS, which ${url.masked} requires`,
    url.engine === 'redis'
      ? 'ElastiCache needs in-transit encryption turned on for rediss://; for a server without TLS use redis://'
      : 'turn TLS on at the server (RDS always offers it), or use sslmode=prefer / disable for a server on a trusted network',
    { cause },
  );
}

export function tlsRequired(url: TargetUrl, cause?: unknown): DataError {
  return new DataError(
    'TARGET_TLS_REQUIRED',
    `the target at ${url.host}:${url.port} accepts only encrypted connections`,
    url.engine === 'redis' ? 'use a rediss:// URL' : url.engine === 'mysql' ? 'add ?ssl-mode=REQUIRED (or VERIFY_IDENTITY with ssl-ca=…) to the URL' : 'add ?sslmode=require (or verify-full with sslrootcert=…) to the URL',
    { cause },
  );
}

export function authFailed(url: TargetUrl, cause?: unknown): DataError {
  return new DataError(
    'TARGET_AUTH',
    `the target at ${url.host}:${url.port} refused the credentials of ${url.user ?? '(no user)'}`,
    'check the user and password in the URL (percent-encode special characters); on RDS the master user and password are those set at creation, or in Secrets Manager when managed there',
    { cause },
  );
}

/** A short description of a statement for an error message: DDL's first line, never row data. */
export function describeStatement(text: string): string {
  const t = text.replace(/^(\s|--[^\n]*\n|\/\*(?!!)[\s\S]*?\*\/)*/, '');
  const insert = /^(INSERT\s+INTO\s+\S+|COPY\s+\S+|REPLACE\s+INTO\s+\S+)/i.exec(t);
  if (insert) return insert[1]!;
  const first = t.split('\n')[0] ?? '';
  return first.length > 100 ? `${first.slice(0, 97)}...` : first;
}
