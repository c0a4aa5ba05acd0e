import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type SSHConfig from 'ssh-config';
import { parseDestination } from './destination.js';
import { SshError, endpointLabel } from './errors.js';
import { expandSshPath, lookupSshConfig, readSshConfig } from './ssh-config.js';

/** Where to connect, as the CLI/UI got it; explicit options win over ~/.ssh/config. */
export interface TargetSpec {
  destination: string;
  user?: string;
  port?: number;
  /** `-i` files: tried first, on every hop; a missing one is an error. */
  identityFiles?: string[];
  /** Jump chain "a,b" (each `user@host:port` or an alias); `false` ignores ProxyJump. */
  jump?: string | false;
  /** Default `<homeDir>/.ssh/config`; `null` reads no config. */
  sshConfigPath?: string | null;
  /** Base for `~`, the default config, known_hosts and identity files (default: the OS home). */
  homeDir?: string;
}

export interface IdentityFileRef {
  path: string;
  /** The path with the home folder shown as `~`, for messages. */
  display: string;
  source: 'option' | 'config' | 'default';
}

export interface ResolvedHop {
  /** What the user named (alias or host). */
  alias: string;
  host: string;
  port: number;
  user: string;
  /** user@host:port */
  label: string;
  /** The name to look up in known_hosts instead of host (HostKeyAlias). */
  hostKeyAlias?: string;
  identityFiles: IdentityFileRef[];
  /** From IdentityAgent: `null` = none, a path = that socket, absent = the caller's choice. */
  identityAgent?: string | null;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

export interface ResolvedTarget extends ResolvedHop {
  /** Hops in order: connect to jumps[0] first; empty when direct. */
  jumps: ResolvedHop[];
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

interface Context {
  config: SSHConfig;
  configPath: string;
  home: string;
  localUser: string;
  optionIdentities: IdentityFileRef[];
}

const displayPath = (path: string, home: string): string => (path.startsWith(home + '/') ? '~' + path.slice(home.length) : path);

function resolveHop(ctx: Context, destination: string, override: { user?: string; port?: number }): ResolvedHop & { proxyJump?: string } {
  const dest = parseDestination(destination);
  const cfg = lookupSshConfig(ctx.config, dest.host, ctx.configPath);
  if (cfg.proxyCommand && !cfg.proxyJump) {
    throw new SshError('CONFIG', `SSH config for ${dest.host} uses ProxyCommand, which Skylift does not run`, 'use ProxyJump (or --jump) for bastion hosts instead');
  }
  const host = cfg.hostName ?? dest.host;
  const port = override.port ?? dest.port ?? cfg.port ?? 22;
  const user = override.user ?? dest.user ?? cfg.user ?? ctx.localUser;
  const tokens = { home: ctx.home, host, port, user, localUser: ctx.localUser };
  const ref = (raw: string, source: IdentityFileRef['source']): IdentityFileRef => {
    const path = resolve(expandSshPath(raw, tokens));
    return { path, display: displayPath(path, ctx.home), source };
  };
  let identityFiles = [...ctx.optionIdentities, ...cfg.identityFiles.map((f) => ref(f, 'config'))];
  if (identityFiles.length === 0) identityFiles = DEFAULT_IDENTITIES.map((n) => ref(join(ctx.home, '.ssh', n), 'default'));
  identityFiles = identityFiles.filter((f, i) => identityFiles.findIndex((g) => g.path === f.path) === i);

  const hop: ResolvedHop & { proxyJump?: string } = { alias: dest.host, host, port, user, label: endpointLabel(user, host, port), identityFiles };
  if (cfg.hostKeyAlias) hop.hostKeyAlias = cfg.hostKeyAlias;
  if (cfg.identityAgent) {
    const agent = cfg.identityAgent;
    hop.identityAgent = agent.toLowerCase() === 'none' ? null : agent === 'SSH_AUTH_SOCK' ? (process.env.SSH_AUTH_SOCK ?? null) : resolve(expandSshPath(agent, tokens));
  }
  if (cfg.connectTimeoutSec) hop.connectTimeoutMs = cfg.connectTimeoutSec * 1000;
  if (cfg.serverAliveIntervalSec !== undefined) hop.keepaliveIntervalMs = cfg.serverAliveIntervalSec * 1000;
  if (cfg.serverAliveCountMax !== undefined) hop.keepaliveCountMax = cfg.serverAliveCountMax;
  if (cfg.proxyJump) hop.proxyJump = cfg.proxyJump;
  return hop;
}

/** Merges the options with ~/.ssh/config (read with the `ssh-config` package) into hosts to dial. */
export async function resolveTarget(spec: TargetSpec): Promise<ResolvedTarget> {
  const home = spec.homeDir ?? homedir();
  const configPath = spec.sshConfigPath === undefined ? join(home, '.ssh', 'config') : spec.sshConfigPath;
  const config = await readSshConfig(configPath, home);
  const optionIdentities = (spec.identityFiles ?? []).map((f) => {
    const path = resolve(expandSshPath(f, { home, host: '', port: 0, user: '', localUser: '' }));
    return { path, display: displayPath(path, home), source: 'option' as const };
  });
  const ctx: Context = { config, configPath: configPath ?? '(none)', home, localUser: userInfo().username, optionIdentities };

  const override: { user?: string; port?: number } = {};
  if (spec.user !== undefined) override.user = spec.user;
  if (spec.port !== undefined) override.port = spec.port;
  const { proxyJump, ...target } = resolveHop(ctx, spec.destination, override);

  const chain = spec.jump === false ? undefined : (spec.jump ?? proxyJump);
  // The jump hosts' own ProxyJump lines are not followed: the chain is spelled out in one place.
  const jumps = (chain ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((d) => {
      const { proxyJump: _ignored, ...hop } = resolveHop(ctx, d, {});
      return hop;
    });
  return { ...target, jumps };
}
