import { SshError } from './errors.js';

/** What a user typed: `user@host:port`, `alias`, `user@[::1]:22`, `ssh://user@host:port`. */
export interface Destination {
  user?: string;
  /** A host name, an IP literal (IPv6 without brackets) or an ~/.ssh/config alias. */
  host: string;
  port?: number;
}

const bad = (input: string, why: string): SshError =>
  new SshError('CONFIG', `bad destination "${input}": ${why}`, 'write it as user@host, user@host:port, user@[ipv6]:port or an alias from ~/.ssh/config');

export function parsePort(text: string, what: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new SshError('CONFIG', `${what}: port "${text}" is not a number from 1 to 65535`, 'fix the port');
  }
  return port;
}

export function parseDestination(input: string): Destination {
  let rest = input.trim();
  if (rest.startsWith('ssh://')) rest = rest.slice('ssh://'.length).replace(/\/$/, '');
  if (!rest) throw bad(input, 'it is empty');
  if (/\s/.test(rest)) throw bad(input, 'it contains spaces');

  // OpenSSH splits at the last '@' too: user names may themselves contain one (user@domain).
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : undefined;
  if (user === '') throw bad(input, 'the user name before "@" is empty');
  rest = at >= 0 ? rest.slice(at + 1) : rest;

  let host = rest;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad(input, 'missing "]" after an IPv6 address');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after && !after.startsWith(':')) throw bad(input, `unexpected "${after}" after "]"`);
    portText = after ? after.slice(1) : undefined;
  } else if (rest.split(':').length === 2) {
    [host, portText] = rest.split(':') as [string, string];
  }
  // A bare IPv6 literal (several colons, no brackets) has no port.
  if (!host) throw bad(input, 'the host is empty');
  if (host.startsWith('-') || /[/\\'"`$;|&<>]/.test(host)) throw bad(input, `"${host}" is not a host name`);
  const dest: Destination = { host };
  if (user !== undefined) dest.user = user;
  if (portText !== undefined) dest.port = parsePort(portText, `bad destination "${input}"`);
  return dest;
}
