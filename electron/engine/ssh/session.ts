import { connect as netConnect } from 'node:net';
import type { AcceptConnection, Client, ClientChannel, RejectConnection, TcpConnectionDetails } from 'ssh2';
import { SshError, type HostKeyFacts } from './errors.js';
import { runExec, startExec, type ChannelSource, type ExecOptions, type ExecResult, type ExecStream, type ExecStreamOptions } from './exec.js';
import type { ResolvedTarget } from './resolve-target.js';

/** Channels opened at once: sshd's MaxSessions (default 10) refuses more per connection. */
const DEFAULT_MAX_CHANNELS = 4;
/**
 * sshd frees a session slot only after it has processed our CLOSE, so an open right after
 * another command ended can be refused at the MaxSessions limit: retry briefly, then give up.
 */
const OPEN_RETRY_DELAYS_MS = [50, 150, 400];

function lostReason(err: Error & { level?: string; code?: unknown }): string {
  if (err.level === 'client-timeout') return 'the server stopped answering keepalives';
  if (typeof err.code === 'string') return `${err.code}`;
  return err.message;
}

/** One logged-in SSH connection (through its jump hosts, if any). */
export class SshSession implements ChannelSource {
  /** user@host:port of the box, without secrets. */
  readonly label: string;
  readonly hostKey: { type: string; fingerprint: string };
  readonly target: ResolvedTarget;
  private readonly clients: Client[];
  private readonly client: Client;
  private lost: SshError | null = null;
  private readonly lostListeners = new Set<(err: SshError) => void>();
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private readonly closed = new WeakSet<Client>();

  /** `clients`: the jump hosts' clients in order, then the box's. */
  constructor(clients: Client[], target: ResolvedTarget, hostKey: HostKeyFacts, maxChannels = DEFAULT_MAX_CHANNELS) {
    this.clients = clients;
    this.client = clients[clients.length - 1] as Client;
    this.target = target;
    this.label = target.label;
    this.hostKey = { type: hostKey.keyType, fingerprint: hostKey.fingerprint };
    this.free = Math.max(1, maxChannels);
    clients.forEach((c, i) => {
      const via = i < clients.length - 1 ? ' (its jump host dropped)' : '';
      let why = '';
      // 'error' may fire more than once (mscdex/ssh2#1190): `on`, never `once`.
      c.on('error', (err: Error) => {
        why ||= lostReason(err);
      });
      c.on('close', () => {
        this.closed.add(c);
        this.markLost(new SshError('DISCONNECTED', `connection to ${this.label} was lost${via}${why ? `: ${why}` : ''}`, 'check the network and that the box is up, then run again'));
      });
    });
  }

  get isOpen(): boolean {
    return this.lost === null;
  }

  private markLost(err: SshError): void {
    if (this.lost) return;
    this.lost = err;
    for (const listener of this.lostListeners) listener(err);
    this.lostListeners.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }

  onLost(listener: (err: SshError) => void): () => void {
    if (this.lost) {
      listener(this.lost);
      return () => undefined;
    }
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async openExec(command: string): Promise<{ channel: ClientChannel; release: () => void }> {
    while (this.free === 0 && !this.lost) await new Promise<void>((wake) => this.waiting.push(wake));
    if (this.lost) throw this.lost;
    this.free--;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.free++;
      this.waiting.shift()?.();
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const channel = await new Promise<ClientChannel>((resolve, reject) => this.client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
        return { channel, release };
      } catch (err) {
        const delay = OPEN_RETRY_DELAYS_MS[attempt];
        if (this.lost || delay === undefined) {
          release();
          throw this.lost ?? new SshError('CHANNEL', `cannot start a command on ${this.label}: ${(err as Error).message}`, 'the server limits sessions per connection (sshd MaxSessions): run fewer commands at once, or raise MaxSessions', { cause: err });
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Runs a fixed command (user strings go through stdin or shell-quote) and collects its output. */
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return runExec(this, command, opts);
  }

  /** Streams a command's output (e.g. a database dump); stderr is drained even if unread. */
  execStream(command: string, opts: ExecStreamOptions = {}): ExecStream {
    return startExec(this, command, opts);
  }

  /**
   * A TCP connection opened by the box to `host:port` (as `ssh -L` does), e.g. to a cache that
   * listens on the box's loopback. Forwarded channels do not count against MaxSessions.
   */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    if (this.lost) return Promise.reject(this.lost);
    return new Promise((resolve, reject) =>
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, channel) =>
        err
          ? reject(new SshError('CHANNEL', `${this.label} could not connect to ${host}:${port}: ${err.message}`, 'check that the service listens there on the box, and that sshd allows TCP forwarding (AllowTcpForwarding)', { cause: err }))
          : resolve(channel),
      ),
    );
  }

  /**
   * A port on the box's loopback whose connections come back through this connection to
   * `host:port` as this machine reaches it (as `ssh -R` does): lets a tool on the box reach a
   * service only this machine can (RDS through a relay, when copying back to the box).
   */
  async forwardIn(host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
    if (this.lost) throw this.lost;
    const bound = await new Promise<number>((resolve, reject) =>
      this.client.forwardIn('127.0.0.1', 0, (err, p) =>
        err ? reject(new SshError('CHANNEL', `${this.label} refused a remote port forward: ${err.message}`, 'allow it in the box\'s sshd (AllowTcpForwarding yes or remote)', { cause: err })) : resolve(p),
      ),
    );
    const onConnection = (info: TcpConnectionDetails, accept: AcceptConnection<ClientChannel>, reject: RejectConnection) => {
      if (info.destPort !== bound) return;
      const socket = netConnect(port, host);
      let channel: ClientChannel | null = null;
      socket.once('error', () => (channel ? channel.close() : reject()));
      socket.once('connect', () => {
        const ch = (channel = accept());
        socket.pipe(ch).pipe(socket);
        ch.once('close', () => socket.destroy());
        socket.once('close', () => ch.close());
      });
    };
    this.client.on('tcp connection', onConnection);
    return {
      port: bound,
      close: () =>
        new Promise<void>((resolve) => {
          this.client.removeListener('tcp connection', onConnection);
          if (this.lost) return resolve();
          this.client.unforwardIn('127.0.0.1', bound, () => resolve());
        }),
    };
  }

  /** Ends the connection and its jump hosts; commands still running fail with DISCONNECTED. */
  async close(): Promise<void> {
    this.markLost(new SshError('DISCONNECTED', `the session to ${this.label} was closed`, 'connect again'));
    for (const c of [...this.clients].reverse()) {
      if (this.closed.has(c)) continue;
      await new Promise<void>((resolve) => {
        // A peer that does not answer the disconnect gets its socket torn down.
        const timer = setTimeout(() => {
          c.destroy();
          resolve();
        }, 2000);
        c.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        c.end();
      });
    }
  }
}
