import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsFault } from './errors.js';

export interface SignedScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Parses the SigV4 Authorization header; a request without one is refused the way AWS does. */
export function parseAuthorization(headers: IncomingHttpHeaders): SignedScope {
  const header = headers.authorization;
  if (!header) throw new AwsFault('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  const m = AUTH.exec(header);
  if (!m) throw new AwsFault('IncompleteSignature', `Authorization header is not a well-formed AWS4-HMAC-SHA256 signature: ${header.slice(0, 60)}`, 403);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  return { accessKeyId: accessKeyId!, date: date!, region: region!, service: service!, signedHeaders: signedHeaders!.split(';'), signature: signature! };
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalPath(rawPath: string, service: string): string {
  // S3 signs the path as sent; every other service signs it normalised and encoded once more.
  if (service === 's3') return rawPath || '/';
  const segments: string[] = [];
  for (const s of rawPath.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(rfc3986(s));
  }
  return `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
}

function canonicalQuery(query: URLSearchParams): string {
  return [...query]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Recomputes the signature with the known secret; a mismatch is SignatureDoesNotMatch, as on AWS. */
export function verifySignature(
  scope: SignedScope,
  secret: string,
  req: { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: Buffer },
): void {
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !amzDate.startsWith(scope.date)) {
    throw new AwsFault('IncompleteSignature', 'X-Amz-Date is missing or does not match the credential scope date', 403);
  }
  const canonicalHeaders = scope.signedHeaders
    .map((name) => {
      const value = req.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const declared = req.headers['x-amz-content-sha256'];
  const payloadHash = typeof declared === 'string' ? declared : sha256(req.body);
  if (typeof declared === 'string' && /^[0-9a-f]{64}$/.test(declared) && declared !== sha256(req.body)) {
    throw new AwsFault('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.', 400);
  }
  const canonicalRequest = [
    req.method,
    canonicalPath(req.path, scope.service),
    canonicalQuery(req.query),
    canonicalHeaders,
    scope.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), scope.service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== scope.signature) {
    throw new AwsFault(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      403,
    );
  }
}
