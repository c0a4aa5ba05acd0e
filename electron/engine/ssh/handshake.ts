import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as ClientType, ConnectConfig } from 'ssh2';
import { authFailure, createAuthHandler, type AuthReport, type Credentials } from './auth.js';
import { SshError, type HostKeyFacts } from './errors.js';
import { hostKeyAlgorithmsFor, verifyHostKey, type HostKeyPolicy } from './host-key-policy.js';
import { knownHostName, type KnownHostEntry } from './known-hosts.js';
import type { ResolvedHop } from './resolve-target.js';

const { Client } = ssh2;

export interface HandshakeContext {
  /** How the hop is named in messages (the box's user@host:port, or "jump host …"). */
  label: string;
  policy: HostKeyPolicy;
  entries: KnownHostEntry[];
  knownHostsPath: string;
  credentials: Credentials;
  /** For the handshake and login; paused while a person answers a prompt. */
  timeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

type Phase = 'handshake' | 'auth';
type SshLibError = Error & { level?: string; code?: string | number };

/** ssh2's errors as SshErrors; `null` for the ones it recovers from by itself. */
function mapError(err: SshLibError, phase: Phase, label: string, report: AuthReport): SshError | null {
  if (err.level === 'agent') {
    report.skipped.push(`agent (${err.message})`);
    return null;
  }
  if (err.level === 'client-authentication') {
    if (err.message === 'All configured authentication methods failed') return authFailure(label, report);
    report.skipped.push(err.message);
    return null;
  }
  if (err.message === 'Connection lost before handshake') {
    return new SshError('DISCONNECTED', `${label} closed the connection before the SSH handshake`, 'is it an SSH server? sshd may also drop connections under load (MaxStartups), or fail2ban may have banned you', { cause: err });
  }
  if (typeof err.code === 'number' && phase === 'auth') {
    // A DISCONNECT during login, e.g. "Too many authentication failures" (MaxAuthTries).
    return new SshError('AUTH', `${label} ended the login: ${err.message}; tried: ${report.tried.join(', ') || 'nothing yet'}`, 'too many keys may be offered: name the right one with -i, or check the user name', { cause: err });
  }
  if (phase === 'handshake' && err.level !== 'client-socket') {
    return new SshError('HANDSHAKE', `SSH handshake with ${label} failed: ${err.message}`, "the server may offer only algorithms Skylift lacks (post-quantum-only key exchange, ssh-dss): check its sshd_config", { cause: err });
  }
  return new SshError('DISCONNECTED', `connection to ${label} was lost during the ${phase === 'auth' ? 'login' : 'handshake'}: ${typeof err.code === 'string' ? err.code : err.message}`, 'check the network and the server, then try again', { cause: err });
}

/** Runs SSH over `sock` (a TCP socket, or a channel through a jump host): host key check, then login. */
export function sshHandshake(sock: Duplex, hop: ResolvedHop, ctx: HandshakeContext): Promise<{ client: ClientType; hostKey: HostKeyFacts }> {
  const client = new Client();
  const name = hop.hostKeyAlias ?? knownHostName(hop.host.toLowerCase(), hop.port);
  let phase: Phase = 'handshake';
  let hostKey: HostKeyFacts | undefined;
  let hostKeyError: SshError | undefined;
  let accepted: Buffer | undefined;

  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (err: SshError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err && hostKey) return resolve({ client, hostKey });
      client.end();
      sock.destroy();
      reject(err ?? new SshError('HANDSHAKE', `no host key from ${ctx.label}`, 'try again'));
    };
    const onTimeout = (): void =>
      settle(new SshError('TIMEOUT', `${ctx.label} did not complete the SSH ${phase === 'auth' ? 'login' : 'handshake'} within ${Math.round(ctx.timeoutMs / 1000)} s`, 'the server may be overloaded, or something other than sshd answers on that port'));
    timer = setTimeout(onTimeout, ctx.timeoutMs);
    /** Stops the clock while a person answers (host key question, passphrase). */
    const whilePrompting = async <T>(ask: () => Promise<T>): Promise<T> => {
      clearTimeout(timer);
      try {
        return await ask();
      } finally {
        if (!settled) timer = setTimeout(onTimeout, ctx.timeoutMs);
      }
    };

    const base = ctx.policy;
    const policy: HostKeyPolicy = base.mode === 'ask' ? { mode: 'ask', confirm: (p) => whilePrompting(() => base.confirm(p)) } : base;
    const { askPassphrase } = ctx.credentials;
    const credentials: Credentials = askPassphrase ? { ...ctx.credentials, askPassphrase: (k) => whilePrompting(() => askPassphrase(k)) } : ctx.credentials;
    const { handler, report } = createAuthHandler(credentials);

    // 'error' may fire more than once (mscdex/ssh2#1190): `on`, never `once`.
    client.on('error', (err: SshLibError) => {
      const mapped = hostKeyError ?? mapError(err, phase, ctx.label, report);
      if (mapped) settle(mapped);
    });
    client.on('handshake', () => {
      phase = 'auth';
    });
    client.on('ready', () => settle(null));
    client.on('close', () => settle(hostKeyError ?? new SshError('DISCONNECTED', `${ctx.label} closed the connection during the ${phase === 'auth' ? 'login' : 'handshake'}`, 'check the sshd logs on the box (AllowUsers, MaxStartups, fail2ban)')));

    const config: ConnectConfig = {
      sock,
      username: hop.user,
      // Always verified: without a hostVerifier ssh2 accepts any key (mscdex/ssh2#869).
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        // Re-keying (after an hour or a GiB) presents the key again: it must be the same one.
        if (accepted) return verify(key.equals(accepted));
        verifyHostKey({ entries: ctx.entries, name, label: ctx.label, host: hop.host, port: hop.port, blob: key, policy, knownHostsPath: ctx.knownHostsPath }).then(
          (facts) => {
            hostKey = facts;
            accepted = key;
            verify(true);
          },
          (err: unknown) => {
            hostKeyError = err instanceof SshError ? err : new SshError('CONFIG', `cannot record the host key of ${ctx.label} in ${ctx.knownHostsPath}: ${(err as Error).message}`, 'check that folder exists and is writable', { cause: err });
            // Refusing here ends the handshake before any login attempt: nothing reaches the box.
            verify(false);
          },
        );
      },
      authHandler: handler,
      algorithms: { serverHostKey: hostKeyAlgorithmsFor(ctx.entries, name) as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
      readyTimeout: 0,
      keepaliveInterval: ctx.keepaliveIntervalMs,
      keepaliveCountMax: ctx.keepaliveCountMax,
    };
    try {
      client.connect(config);
    } catch (err) {
      settle(new SshError('CONFIG', `cannot start SSH to ${ctx.label}: ${(err as Error).message}`, 'check the connection settings', { cause: err }));
    }
  });
}
