import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { checkOptionIdentities, type Credentials } from './auth.js';
import { SshError } from './errors.js';
import { sshHandshake } from './handshake.js';
import { loadKnownHosts, normalizeFingerprint, type HostKeyPolicy } from './host-key-policy.js';
import { resolveTarget, type ResolvedHop, type TargetSpec } from './resolve-target.js';
import { SshSession } from './session.js';
import { openTcp } from './tcp.js';

export interface SshConnectOptions extends TargetSpec {
  /** Skylift's own known_hosts file (accepted keys are written there). */
  knownHostsPath: string;
  /** Also read (never written); default `<homeDir>/.ssh/known_hosts`, `null` to skip. */
  userKnownHostsPath?: string | null;
  /** For the box. Default strict. */
  hostKeyPolicy?: HostKeyPolicy;
  /** For the jump hosts. Default: the box's policy, except that a pinned fingerprint becomes strict. */
  jumpHostKeyPolicy?: HostKeyPolicy;
  /** For the box only (jump hosts use keys and the agent). */
  password?: string;
  passphrase?: string;
  askPassphrase?: (keyDisplay: string) => Promise<string | undefined>;
  /** ssh-agent socket; `null` for none. Default: IdentityAgent from the config, else SSH_AUTH_SOCK. */
  agent?: string | null;
  /** TCP connect, and again handshake + login, per hop. Default: ConnectTimeout from the config, else 20 s. */
  connectTimeoutMs?: number;
  /** Default: ServerAliveInterval from the config, else 15 s; 0 turns keepalives off. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Commands running at once on this connection (sshd MaxSessions defaults to 10). Default 4. */
  maxChannels?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_KEEPALIVE_MS = 15_000;

/** A direct-tcpip channel from `via` to the next hop: the next hop's TCP connection. */
function forwardThrough(via: Client, viaLabel: string, hop: ResolvedHop, timeoutMs: number): Promise<Duplex> {
  const where = `${hop.host}:${hop.port}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new SshError('TIMEOUT', `jump host ${viaLabel} could not reach ${where} within ${Math.round(timeoutMs / 1000)} s`, 'check the address and port as seen from the jump host')), timeoutMs);
    via.forwardOut('127.0.0.1', 0, hop.host, hop.port, (err, stream) => {
      clearTimeout(timer);
      if (!err) {
        // Act like a TCP socket without half-open: when the box hangs up, hang up too, so that
        // the channel (and the box's client) closes instead of waiting forever.
        stream.once('end', () => stream.end());
        return resolve(stream);
      }
      const reason = (err as Error & { reason?: number }).reason;
      reject(
        reason === 1
          ? new SshError('CHANNEL', `jump host ${viaLabel} refused to forward to ${where}: ${err.message}`, 'the jump host must allow TCP forwarding (AllowTcpForwarding yes in its sshd_config)', { cause: err })
          : new SshError('REFUSED', `jump host ${viaLabel} could not connect to ${where}: ${err.message}`, 'check the address and port as seen from the jump host, and that sshd runs on the box', { cause: err }),
      );
    });
  });
}

/** Connects and logs in (through the jump chain, each hop's host key verified) and returns a session. */
export async function connect(opts: SshConnectOptions): Promise<SshSession> {
  const policy = opts.hostKeyPolicy ?? { mode: 'strict' };
  if (policy.mode === 'pinned') normalizeFingerprint(policy.fingerprint);
  const jumpPolicy = opts.jumpHostKeyPolicy ?? (policy.mode === 'pinned' ? { mode: 'strict' } : policy);
  const target = await resolveTarget(opts);
  await checkOptionIdentities(target.identityFiles);
  const userKnownHosts = opts.userKnownHostsPath === undefined ? join(opts.homeDir ?? homedir(), '.ssh', 'known_hosts') : opts.userKnownHostsPath;
  const entries = await loadKnownHosts([opts.knownHostsPath, userKnownHosts]);

  const hops = [...target.jumps, target];
  const clients: Client[] = [];
  try {
    let hostKey;
    for (const [i, hop] of hops.entries()) {
      const isBox = i === hops.length - 1;
      const timeoutMs = opts.connectTimeoutMs ?? hop.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
      const previous = clients[i - 1];
      const sock = previous ? await forwardThrough(previous, (hops[i - 1] as ResolvedHop).label, hop, timeoutMs) : await openTcp(hop.host, hop.port, timeoutMs);
      const credentials: Credentials = {
        user: hop.user,
        identityFiles: hop.identityFiles,
        agent: opts.agent !== undefined ? opts.agent : hop.identityAgent !== undefined ? hop.identityAgent : (process.env.SSH_AUTH_SOCK ?? null),
      };
      if (isBox && opts.password !== undefined) credentials.password = opts.password;
      if (opts.passphrase !== undefined) credentials.passphrase = opts.passphrase;
      if (opts.askPassphrase) credentials.askPassphrase = opts.askPassphrase;
      const done = await sshHandshake(sock, hop, {
        label: isBox ? hop.label : `jump host ${hop.label}`,
        policy: isBox ? policy : jumpPolicy,
        entries,
        knownHostsPath: opts.knownHostsPath,
        credentials,
        timeoutMs,
        keepaliveIntervalMs: opts.keepaliveIntervalMs ?? hop.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
        keepaliveCountMax: opts.keepaliveCountMax ?? hop.keepaliveCountMax ?? 3,
      });
      clients.push(done.client);
      hostKey = done.hostKey;
    }
    if (!hostKey) throw new SshError('CONFIG', `nothing to connect to for ${opts.destination}`, 'name a box');
    return new SshSession(clients, target, hostKey, opts.maxChannels);
  } catch (err) {
    for (const c of clients.reverse()) c.end();
    throw err;
  }
}
