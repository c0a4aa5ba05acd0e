import { readFile } from 'node:fs/promises';
import SSHConfig from 'ssh-config';
import { parsePort } from './destination.js';
import { SshError } from './errors.js';

/** The ~/.ssh/config settings Skylift honours for one host (OpenSSH's first-match-wins result). */
export interface SshConfigHost {
  hostName?: string;
  user?: string;
  port?: number;
  /** Raw values (may hold `~` and `%` tokens): expand with `expandSshPath`. */
  identityFiles: string[];
  /** Comma-separated jump chain; absent when unset or `none`. */
  proxyJump?: string;
  proxyCommand?: string;
  hostKeyAlias?: string;
  /** `none` disables the agent; otherwise a socket path (may hold `~`) or `SSH_AUTH_SOCK`. */
  identityAgent?: string;
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  serverAliveCountMax?: number;
}

/** Parses the config file; a missing file (or `null`) is an empty config, as for OpenSSH. */
export async function readSshConfig(path: string | null): Promise<SSHConfig> {
  if (path === null) return SSHConfig.parse('');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return SSHConfig.parse('');
    throw new SshError('CONFIG', `cannot read SSH config ${path}: ${(err as Error).message}`, 'check the file permissions', { cause: err });
  }
  try {
    return SSHConfig.parse(text);
  } catch (err) {
    throw new SshError('CONFIG', `cannot parse SSH config ${path}: ${(err as Error).message}`, 'fix the syntax error (ssh -G <host> shows how OpenSSH reads it)', { cause: err });
  }
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function seconds(v: string | string[] | undefined, what: string): number | undefined {
  const text = first(v);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new SshError('CONFIG', `SSH config: ${what} "${text}" is not a whole number`, 'fix it in your SSH config');
  return Number(text);
}

export function lookupSshConfig(config: SSHConfig, alias: string, configPath: string): SshConfigHost {
  // `Match exec` would run shell commands from the file: Skylift never does that silently.
  const c = config.compute(alias, { ignoreCase: true, matchExec: false });
  const out: SshConfigHost = { identityFiles: all(c.identityfile) };
  const hostName = first(c.hostname);
  if (hostName) out.hostName = hostName.replace(/%h/g, alias);
  const user = first(c.user);
  if (user) out.user = user;
  const port = first(c.port);
  if (port) out.port = parsePort(port, `SSH config ${configPath}, Host ${alias}`);
  const jump = first(c.proxyjump);
  if (jump && jump.toLowerCase() !== 'none') out.proxyJump = jump;
  const proxyCommand = first(c.proxycommand);
  if (proxyCommand && proxyCommand.toLowerCase() !== 'none') out.proxyCommand = proxyCommand;
  const alias_ = first(c.hostkeyalias);
  if (alias_) out.hostKeyAlias = alias_;
  const agent = first(c.identityagent);
  if (agent) out.identityAgent = agent;
  const timeout = seconds(c.connecttimeout, 'ConnectTimeout');
  if (timeout !== undefined) out.connectTimeoutSec = timeout;
  const interval = seconds(c.serveraliveinterval, 'ServerAliveInterval');
  if (interval !== undefined) out.serverAliveIntervalSec = interval;
  const countMax = seconds(c.serveralivecountmax, 'ServerAliveCountMax');
  if (countMax !== undefined) out.serverAliveCountMax = countMax;
  return out;
}

/** OpenSSH's `~` and `%` tokens in IdentityFile/IdentityAgent: %d home, %h host, %p port, %r remote user, %u local user. */
export function expandSshPath(value: string, t: { home: string; host: string; port: number; user: string; localUser: string }): string {
  const expanded = value.replace(/%([%dhpru])/g, (_, k: string) =>
    k === '%' ? '%' : k === 'd' ? t.home : k === 'h' ? t.host : k === 'p' ? String(t.port) : k === 'r' ? t.user : t.localUser,
  );
  return expanded === '~' ? t.home : expanded.startsWith('~/') ? t.home + expanded.slice(1) : expanded;
}
