import { isIP } from 'node:net';
import { AwsLayerError } from './errors.js';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Checks an endpoint override: http(s) only, no credentials in the URL, and https unless the
 * host is loopback (127.0.0.0/8, ::1, localhost) — signed requests never cross a network in clear. */
export function validateEndpoint(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AwsLayerError('ENDPOINT', `endpoint override is not a URL: ${raw}`, 'give a full URL such as https://vpce-123.example.com or http://127.0.0.1:4566');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AwsLayerError('ENDPOINT', `endpoint override must be http or https, not ${url.protocol}`, 'use an https:// URL');
  }
  if (url.username || url.password) {
    throw new AwsLayerError('ENDPOINT', 'endpoint override must not carry credentials in the URL', 'remove the user:password@ part; credentials come from a profile, the environment or Settings');
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new AwsLayerError('ENDPOINT', `endpoint override ${url.host} is not on this machine and must use https`, `use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`);
  }
  return url;
}
