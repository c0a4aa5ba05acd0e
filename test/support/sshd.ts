import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

export type KeyType = 'ed25519' | 'rsa' | 'ecdsa';

export interface TestKey {
  path: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicKey: string;
  /** As `ssh-keygen -lf` prints it: SHA256:… */
  fingerprint: string;
}

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** `ssh-ed25519 AAAA…` (type and base64, no comment). */
  hostPublicKey: string;
  /** From `ssh-keygen -lf`, independent of Skylift's own code. */
  hostKeyFingerprint: string;
  /** This server's line for a known_hosts file. */
  knownHostsLine: string;
  /** Everything sshd logged so far (it runs with -e). */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Directory for keys, config and logs (default: a new temp dir, removed on stop). */
  dir?: string;
  /** Reuse a host key (e.g. to restart "the same box"); default: a new ed25519 key. */
  hostKeyPath?: string;
  maxStartups?: string;
  maxSessions?: number;
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG1';
  extraConfig?: string[];
}

export async function tempDir(prefix = 'skylift-ssh-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** `ssh-keygen -lf` of a key file (private or public): SHA256:… */
export async function fingerprintOfFile(path: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-lf', path]);
  const fp = stdout.split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${stdout}`);
  return fp;
}

/** A user key made by ssh-keygen: OpenSSH format, or PEM (RSA/ECDSA only), optionally encrypted. */
export async function makeUserKey(dir: string, opts: { type: KeyType; passphrase?: string; format?: 'openssh' | 'pem' | 'pkcs8'; name?: string }): Promise<TestKey> {
  const path = join(dir, opts.name ?? `id_${opts.type}${opts.format && opts.format !== 'openssh' ? `_${opts.format}` : ''}${opts.passphrase ? '_enc' : ''}`);
  const args = ['-q', '-t', opts.type, '-N', opts.passphrase ?? '', '-C', `skylift-test-${opts.type}`, '-f', path];
  if (opts.type === 'rsa') args.push('-b', '2048');
  if (opts.format === 'pem') args.push('-m', 'PEM');
  if (opts.format === 'pkcs8') args.push('-m', 'PKCS8');
  await run('ssh-keygen', args);
  return { path, publicKey: (await readFile(`${path}.pub`, 'utf8')).trim(), fingerprint: await fingerprintOfFile(`${path}.pub`) };
}

/** Adds a public key to the user's authorized_keys file of this sshd. */
export async function authorizeKey(sshd: TestSshd, user: string, publicKey: string): Promise<void> {
  await appendFile(join(sshd.dir, 'authorized_keys', user), `${publicKey}\n`, { mode: 0o644 });
}

/** A local account for the tests (CI runs as root on a throwaway machine); idempotent. */
export async function ensureTestUser(name: string, password: string): Promise<void> {
  const exists = (): Promise<boolean> =>
    run('id', ['-u', name]).then(
      () => true,
      () => false,
    );
  // Another test file may be creating the same user at the same moment.
  if (!(await exists())) await run('useradd', ['-m', '-s', '/bin/sh', name]).catch(async (err: unknown) => {
    if (!(await exists())) throw err;
  });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd failed: ${err}`))));
    child.stdin.end(`${name}:${password}\n`);
  });
}

/** OpenSSH ≥ 9.8 penalises sources with failed logins; the tests fail logins on purpose. */
async function penaltyOptions(): Promise<string[]> {
  const { stderr } = await run(SSHD, ['-V']).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(stderr);
  return m && (Number(m[1]) > 9 || (Number(m[1]) === 9 && Number(m[2]) >= 8)) ? ['PerSourcePenalties no'] : [];
}

function waitListening(child: ChildProcess, logs: string[], port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      logs.push(d.toString());
      if (logs.join('').includes(`Server listening on 127.0.0.1 port ${port}`)) resolve();
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sshd exited (${code}) before listening:\n${logs.join('')}`)));
  });
}

/** A real OpenSSH server on a free loopback port, with its own host key and authorized_keys dir. */
export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await tempDir('skylift-sshd-'));
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  // sshd reads authorized_keys as the logging-in user, who must be able to reach them.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'authorized_keys'), { recursive: true, mode: 0o755 });
  const hostKey = opts.hostKeyPath ?? join(dir, 'ssh_host_ed25519_key');
  if (!opts.hostKeyPath) await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', hostKey]);
  await chmod(hostKey, 0o600);
  const hostPublicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  const hostKeyFingerprint = await fingerprintOfFile(`${hostKey}.pub`);
  const extra = [...(await penaltyOptions()), ...(opts.extraConfig ?? [])];

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'UsePAM no',
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}/%u`,
        // The temp dir sits under world-writable /tmp, which StrictModes would refuse.
        'StrictModes no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin yes',
        'AllowTcpForwarding yes',
        'MaxAuthTries 10',
        `MaxStartups ${opts.maxStartups ?? '100:30:200'}`,
        `MaxSessions ${opts.maxSessions ?? 50}`,
        `LogLevel ${opts.logLevel ?? 'VERBOSE'}`,
        ...extra,
        '',
      ].join('\n'),
    );
    const logs: string[] = [];
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await waitListening(child, logs, port);
    } catch (err) {
      // Another process may have taken the port between freePort() and sshd's bind.
      if (attempt < 4 && logs.join('').includes('Address already in use')) continue;
      throw err;
    }
    let stopped: Promise<void> | undefined;
    return {
      host: '127.0.0.1',
      port,
      dir,
      hostPublicKey,
      hostKeyFingerprint,
      knownHostsLine: `[127.0.0.1]:${port} ${hostPublicKey}`,
      log: () => logs.join(''),
      stop: () =>
        (stopped ??= (async () => {
          if (child.exitCode === null) {
            await new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            });
          }
          if (ownDir) await rm(dir, { recursive: true, force: true });
        })()),
    };
  }
}

export interface TestAgent {
  sock: string;
  stop(): Promise<void>;
}

/** An ssh-agent in the foreground (so it can be stopped by pid) holding the given unencrypted keys. */
export async function startAgent(dir: string, keyPaths: string[]): Promise<TestAgent> {
  const sock = join(dir, `agent-${process.pid}-${Date.now()}.sock`);
  const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const up = await run('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).then(
      () => true,
      // Exit 1 = agent up but empty; 2 = cannot connect yet.
      (e: { code?: number }) => e.code === 1,
    );
    if (up) break;
    if (i > 100) throw new Error('ssh-agent did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const key of keyPaths) await run('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
  return {
    sock,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
