import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { escapePath, glob } from 'tinyglobby';
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

const MAX_INCLUDE_DEPTH = 16; // OpenSSH's READCONF_MAX_DEPTH

/** OpenSSH-style arguments: whitespace-separated, double quotes group. */
const words = (text: string): string[] => [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

/**
 * The file's text with each `Include` replaced by the files it names (globbed and sorted, as
 * OpenSSH does; relative paths are in ~/.ssh for a user's config, /etc/ssh for the system's).
 * An Include inside a Host or Match block is followed by that block's line again, so the lines
 * after it stay in the block. (OpenSSH also ignores Host blocks of a file included from a block
 * that does not match; here they apply on their own.)
 */
async function withIncludes(path: string, text: string, baseDir: string, home: string, depth: number): Promise<string> {
  const out: string[] = [];
  let block: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(host|match)\b/i.test(line)) block = line;
    const include = /^\s*include(?:\s*=\s*|\s+)(.+)$/i.exec(line);
    if (!include) {
      out.push(line);
      continue;
    }
    if (depth >= MAX_INCLUDE_DEPTH) throw new SshError('CONFIG', `SSH config ${path}: Include nested more than ${MAX_INCLUDE_DEPTH} deep`, 'look for a file that includes itself');
    for (const pattern of words(include[1]!)) {
      const absolute = pattern.startsWith('~/') ? escapePath(home) + pattern.slice(1) : isAbsolute(pattern) ? pattern : `${escapePath(baseDir)}/${pattern}`;
      for (const file of (await glob(absolute, { onlyFiles: true, absolute: true, expandDirectories: false })).sort()) {
        out.push(await withIncludes(file, await readText(file), baseDir, home, depth + 1));
      }
    }
    if (block) out.push(block);
  }
  return out.join('\n');
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new SshError('CONFIG', `cannot read SSH config ${path}: ${(err as Error).message}`, 'check the file permissions', { cause: err });
  }
}

/** Parses the config file with what it includes; a missing file (or `null`) is an empty config, as for OpenSSH. */
export async function readSshConfig(path: string | null, home = homedir()): Promise<SSHConfig> {
  if (path === null || !existsSync(path)) return SSHConfig.parse('');
  const baseDir = dirname(path) === '/etc/ssh' ? '/etc/ssh' : join(home, '.ssh');
  const text = await withIncludes(path, await readText(path), baseDir, home, 0);
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
