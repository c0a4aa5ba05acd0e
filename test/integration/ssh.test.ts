import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, resolveTarget, SshError, type SshConnectOptions, type SshSession } from '../../electron/engine/ssh/index.js';
import { freePort } from '../support/free-port.js';
import { authorizeKey, ensureTestUser, makeUserKey, startAgent, startSshd, tempDir, type TestKey, type TestSshd } from '../support/sshd.js';

const run = promisify(execFile);
const TEST_USER = 'skylift-test';
const TEST_PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const PASSPHRASE = `pp-${randomBytes(6).toString('hex')}`;

let dir: string;
let home: string;
let sshd: TestSshd;
let bastion: TestSshd;
let trusted: string;
const keys: Record<'ed25519' | 'rsaPem' | 'ecdsa' | 'stranger' | 'rsaPkcs8' | 'ecdsaPkcs8', TestKey> = {} as never;
const sessions: SshSession[] = [];

/** Options for root on the main sshd, isolated from the machine's own ~/.ssh and agent. */
function opts(over: Partial<SshConnectOptions> = {}): SshConnectOptions {
  return {
    destination: `root@127.0.0.1:${sshd.port}`,
    identityFiles: [keys.ed25519.path],
    knownHostsPath: trusted,
    userKnownHostsPath: null,
    sshConfigPath: null,
    homeDir: home,
    agent: null,
    connectTimeoutMs: 10_000,
    ...over,
  };
}

async function open(over: Partial<SshConnectOptions> = {}): Promise<SshSession> {
  const s = await connect(opts(over));
  sessions.push(s);
  return s;
}

async function failure(p: Promise<unknown>): Promise<SshError> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SshError);
  return err as SshError;
}

const newKnownHosts = async (name: string, text = ''): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

beforeAll(async () => {
  dir = await tempDir();
  home = join(dir, 'home');
  await mkdir(home);
  await ensureTestUser(TEST_USER, TEST_PASSWORD);
  [sshd, bastion] = await Promise.all([startSshd(), startSshd({ logLevel: 'DEBUG1' })]);
  [keys.ed25519, keys.rsaPem, keys.ecdsa, keys.stranger, keys.rsaPkcs8, keys.ecdsaPkcs8] = await Promise.all([
    makeUserKey(dir, { type: 'ed25519' }),
    makeUserKey(dir, { type: 'rsa', format: 'pem', passphrase: PASSPHRASE }),
    makeUserKey(dir, { type: 'ecdsa', format: 'pem' }),
    makeUserKey(dir, { type: 'ed25519', name: 'id_stranger' }),
    makeUserKey(dir, { type: 'rsa', format: 'pkcs8' }),
    makeUserKey(dir, { type: 'ecdsa', format: 'pkcs8', passphrase: PASSPHRASE }),
  ]);
  for (const k of [keys.ed25519, keys.rsaPem, keys.ecdsa, keys.rsaPkcs8, keys.ecdsaPkcs8]) await authorizeKey(sshd, 'root', k.publicKey);
  await authorizeKey(bastion, 'root', keys.ed25519.publicKey);
  trusted = await newKnownHosts('trusted_known_hosts', `${sshd.knownHostsLine}\n${bastion.knownHostsLine}\n`);
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all([sshd?.stop(), bastion?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('logs in as root with an ed25519 key and runs a command', async () => {
    const s = await open();
    expect(s.label).toBe(`root@127.0.0.1:${sshd.port}`);
    expect(s.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint });
    const r = await s.exec('id -un; echo oops >&2; exit 3');
    expect(r.stdout.toString()).toBe('root\n');
    expect(r.stderr.toString()).toBe('oops\n');
    expect(r.code).toBe(3);
    expect(r.signal).toBeNull();
    expect(await s.exec('kill -KILL $$')).toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('opens an encrypted RSA key in PEM format with its passphrase', async () => {
    expect((await readFile(keys.rsaPem.path, 'utf8')).startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    const s = await open({ identityFiles: [keys.rsaPem.path], passphrase: PASSPHRASE });
    expect((await s.exec('id -un')).stdout.toString()).toBe('root\n');
  });

  it('says KEY_PASSPHRASE for an encrypted key without or with a wrong passphrase, never echoing it', async () => {
    const none = await failure(open({ identityFiles: [keys.rsaPem.path] }));
    expect(none.code).toBe('KEY_PASSPHRASE');
    expect(none.message).toContain('no passphrase');
    const wrongPassphrase = `wrong-${randomBytes(4).toString('hex')}`;
    const wrong = await failure(open({ identityFiles: [keys.rsaPem.path], passphrase: wrongPassphrase }));
    expect(wrong.code).toBe('KEY_PASSPHRASE');
    expect(wrong.message).toContain('wrong');
    expect(`${wrong.message} ${wrong.hint}`).not.toContain(wrongPassphrase);
  });

  it('asks for a passphrase when none opens the key', async () => {
    const asked: string[] = [];
    const s = await open({ identityFiles: [keys.rsaPem.path], askPassphrase: async (k) => (asked.push(k), PASSPHRASE) });
    expect(asked).toEqual([keys.rsaPem.path]);
    expect((await s.exec('id -un')).code).toBe(0);
  });

  it('reads PKCS#8 keys as OpenSSH does (RSA plain, ECDSA encrypted), and says so for one it cannot open', async () => {
    expect((await readFile(keys.rsaPkcs8.path, 'utf8')).startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect((await readFile(keys.ecdsaPkcs8.path, 'utf8')).startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----')).toBe(true);
    expect((await (await open({ identityFiles: [keys.rsaPkcs8.path] })).exec('id -un')).stdout.toString()).toBe('root\n');
    expect((await (await open({ identityFiles: [keys.ecdsaPkcs8.path], passphrase: PASSPHRASE })).exec('id -un')).stdout.toString()).toBe('root\n');
    const wrong = await failure(open({ identityFiles: [keys.ecdsaPkcs8.path], passphrase: 'not-the-passphrase' }));
    expect(wrong.code).toBe('KEY_PASSPHRASE');
    const ed = join(dir, 'id_ed25519_openssl');
    await run('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', ed]);
    const unread = await failure(open({ identityFiles: [ed] }));
    expect(unread.code).toBe('AUTH');
    expect(unread.message).toContain('ed25519 key in PKCS#8 form');
  });

  it('logs in with an ECDSA key', async () => {
    const s = await open({ identityFiles: [keys.ecdsa.path] });
    expect((await s.exec('id -un')).stdout.toString()).toBe('root\n');
  });

  it('logs in with a password, and never repeats a wrong one', async () => {
    const s = await open({ destination: `${TEST_USER}@127.0.0.1:${sshd.port}`, identityFiles: [], password: TEST_PASSWORD });
    expect((await s.exec('id -un')).stdout.toString()).toBe(`${TEST_USER}\n`);
    const badPassword = `bad-${randomBytes(4).toString('hex')}`;
    const err = await failure(open({ destination: `${TEST_USER}@127.0.0.1:${sshd.port}`, identityFiles: [], password: badPassword }));
    expect(err.code).toBe('AUTH');
    expect(err.message).toContain('password');
    expect(`${err.message} ${err.hint}`).not.toContain(badPassword);
  });

  it('logs in through ssh-agent', async () => {
    const agent = await startAgent(dir, [keys.ed25519.path]);
    try {
      const s = await open({ identityFiles: [], agent: agent.sock });
      expect((await s.exec('id -un')).stdout.toString()).toBe('root\n');
    } finally {
      await agent.stop();
    }
  });

  it('says AUTH and lists what it tried when no key is accepted', async () => {
    const err = await failure(open({ identityFiles: [keys.stranger.path], password: 'not-root-password' }));
    expect(err.code).toBe('AUTH');
    expect(err.message).toContain(`publickey (${keys.stranger.path})`);
    expect(err.message).toContain('password');
    expect(err.message).toMatch(/the server accepts: .*publickey/);
    expect(err.message).not.toContain('not-root-password');
  });

  it('tries the default key files in the home folder', async () => {
    await mkdir(join(home, '.ssh'), { recursive: true });
    await copyFile(keys.ecdsa.path, join(home, '.ssh', 'id_ecdsa'));
    try {
      const s = await open({ identityFiles: [] });
      expect((await s.exec('true')).code).toBe(0);
    } finally {
      await rm(join(home, '.ssh', 'id_ecdsa'));
    }
  });
});

describe('ssh config and jump hosts', () => {
  let configPath: string;
  beforeAll(async () => {
    configPath = join(dir, 'ssh_config');
    await writeFile(
      configPath,
      [
        'Host box',
        '  HostName 127.0.0.1',
        '  User root',
        `  Port ${sshd.port}`,
        `  IdentityFile ${keys.ed25519.path}`,
        '  ProxyJump bastion',
        'Host bastion',
        '  HostName 127.0.0.1',
        `  Port ${bastion.port}`,
        '  User root',
        `  IdentityFile ${keys.ed25519.path}`,
        '',
      ].join('\n'),
    );
  });

  it('resolves an alias with HostName, User, Port, IdentityFile and ProxyJump', async () => {
    const t = await resolveTarget({ destination: 'box', sshConfigPath: configPath, homeDir: home });
    expect(t).toMatchObject({ alias: 'box', host: '127.0.0.1', port: sshd.port, user: 'root', label: `root@127.0.0.1:${sshd.port}` });
    expect(t.identityFiles.map((f) => f.path)).toEqual([keys.ed25519.path]);
    expect(t.jumps).toMatchObject([{ alias: 'bastion', host: '127.0.0.1', port: bastion.port, user: 'root' }]);
    const cli = await resolveTarget({ destination: 'deploy@box:2200', port: 2222, jump: false, sshConfigPath: configPath, homeDir: home });
    expect(cli).toMatchObject({ user: 'deploy', port: 2222, jumps: [] });
  });

  it('connects to an alias through its ProxyJump bastion (a second sshd)', async () => {
    const s = await open({ destination: 'box', identityFiles: [], sshConfigPath: configPath });
    expect((await s.exec('id -un')).stdout.toString()).toBe('root\n');
    expect(s.hostKey.fingerprint).toBe(sshd.hostKeyFingerprint);
    // The bastion opened the forwarded connection to the box.
    expect(bastion.log()).toContain(`server_request_direct_tcpip: originator 127.0.0.1 port 0, target 127.0.0.1 port ${sshd.port}`);
  });

  it('follows an explicit chain of two jumps', async () => {
    const hop = `root@127.0.0.1:${bastion.port}`;
    const s = await open({ jump: `${hop},${hop}` });
    expect((await s.exec('echo through')).stdout.toString()).toBe('through\n');
  });

  it('says DISCONNECTED when the box drops behind its jump host', async () => {
    const s = await connect(opts({ jump: `root@127.0.0.1:${bastion.port}` }));
    const stream = s.execStream('echo $PPID $$; exec sleep 30');
    const [sshdPid, sleepPid] = ((await once(stream.stdout, 'data')) as [Buffer])[0].toString().trim().split(' ').map(Number);
    process.kill(sshdPid as number, 'SIGKILL');
    process.kill(sleepPid as number, 'SIGKILL');
    expect((await failure(stream.done)).code).toBe('DISCONNECTED');
    await s.close();
  });

  it("verifies each jump host's key too", async () => {
    const onlyBox = await newKnownHosts('only_box', `${sshd.knownHostsLine}\n`);
    const err = await failure(open({ jump: `root@127.0.0.1:${bastion.port}`, knownHostsPath: onlyBox }));
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.message).toContain(`jump host root@127.0.0.1:${bastion.port}`);
    expect(err.message).toContain(bastion.hostKeyFingerprint);
  });
});

describe('host keys', () => {
  it('stops at a changed host key, names both fingerprints, and runs nothing', async () => {
    const other = await makeUserKey(dir, { type: 'ed25519', name: 'fake_host_key' });
    const otherBlob = other.publicKey.split(' ').slice(0, 2).join(' ');
    const file = await newKnownHosts('changed_known_hosts', `# old box\n[127.0.0.1]:${sshd.port} ${otherBlob}\n`);
    const marker = join(dir, 'marker-changed');
    const logBefore = sshd.log().length;
    const attempt = open({ knownHostsPath: file, hostKeyPolicy: { mode: 'accept-new' } }).then((s) => s.exec(`touch ${marker}`));
    const err = await failure(attempt);
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(err.message).toContain(other.fingerprint);
    expect(err.message).toContain(sshd.hostKeyFingerprint);
    expect(err.hint).toContain(`remove its line from ${file} (line 2`);
    expect(existsSync(marker)).toBe(false);
    // No login was even attempted.
    expect(sshd.log().slice(logBefore)).not.toMatch(/Accepted|Failed|Postponed|userauth/);
    expect(await readFile(file, 'utf8')).toBe(`# old box\n[127.0.0.1]:${sshd.port} ${otherBlob}\n`);
  });

  it('refuses an unknown key in strict mode and says how to accept it', async () => {
    const err = await failure(open({ knownHostsPath: await newKnownHosts('empty_strict') }));
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.message).toContain(sshd.hostKeyFingerprint);
    expect(err.hint).toContain('--accept-new');
    expect(err.hint).toContain(`--host-key ${sshd.hostKeyFingerprint}`);
    expect(err.hostKey).toMatchObject({ host: '127.0.0.1', port: sshd.port, fingerprint: sshd.hostKeyFingerprint });
  });

  it('accept-new records the key, then strict mode accepts it', async () => {
    const file = join(dir, 'skylift-home', 'known_hosts');
    await open({ knownHostsPath: file, hostKeyPolicy: { mode: 'accept-new' } });
    expect(await readFile(file, 'utf8')).toBe(`${sshd.knownHostsLine}\n`);
    const s = await open({ knownHostsPath: file });
    expect((await s.exec('true')).code).toBe(0);
  });

  it('pinned: refuses a different fingerprint, accepts and records the right one', async () => {
    const file = await newKnownHosts('pinned');
    const wrongPin = 'SHA256:' + createHash('sha256').update('not the key').digest('base64').replace(/=+$/, '');
    const err = await failure(open({ knownHostsPath: file, hostKeyPolicy: { mode: 'pinned', fingerprint: wrongPin } }));
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(err.message).toContain(wrongPin);
    expect(err.message).toContain(sshd.hostKeyFingerprint);
    expect(await readFile(file, 'utf8')).toBe('');
    await open({ knownHostsPath: file, hostKeyPolicy: { mode: 'pinned', fingerprint: sshd.hostKeyFingerprint } });
    expect(await readFile(file, 'utf8')).toBe(`${sshd.knownHostsLine}\n`);
  });

  it('ask: records the key only when the person says yes', async () => {
    const file = await newKnownHosts('asked');
    const prompts: string[] = [];
    const no = await failure(open({ knownHostsPath: file, hostKeyPolicy: { mode: 'ask', confirm: async (p) => (prompts.push(p.fingerprint), false) } }));
    expect(no.code).toBe('HOST_KEY_UNKNOWN');
    await open({ knownHostsPath: file, hostKeyPolicy: { mode: 'ask', confirm: async (p) => (prompts.push(p.fingerprint), true) } });
    expect(prompts).toEqual([sshd.hostKeyFingerprint, sshd.hostKeyFingerprint]);
    expect(await readFile(file, 'utf8')).toBe(`${sshd.knownHostsLine}\n`);
  });

  it("recognises a hashed entry in the user's known_hosts", async () => {
    const userFile = await newKnownHosts('user_known_hosts', `${sshd.knownHostsLine}\n`);
    await run('ssh-keygen', ['-H', '-f', userFile]);
    const hashed = await readFile(userFile, 'utf8');
    expect(hashed.startsWith('|1|')).toBe(true);
    const s = await open({ knownHostsPath: await newKnownHosts('empty_hashed'), userKnownHostsPath: userFile });
    expect((await s.exec('true')).code).toBe(0);
  });

  it('refuses a key marked @revoked', async () => {
    const file = await newKnownHosts('revoked', `@revoked * ${sshd.hostPublicKey}\n${sshd.knownHostsLine}\n`);
    const err = await failure(open({ knownHostsPath: file }));
    expect(err.code).toBe('HOST_KEY_REVOKED');
  });
});

describe('network errors', () => {
  it('says REFUSED for a closed port', async () => {
    const err = await failure(open({ destination: `root@127.0.0.1:${await freePort()}` }));
    expect(err.code).toBe('REFUSED');
  });

  it('says DNS for a name that does not resolve', async () => {
    const err = await failure(open({ destination: 'root@nonexistent.invalid' }));
    expect(err.code).toBe('DNS');
  });

  it('says TIMEOUT when the port answers but never speaks SSH', async () => {
    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      const err = await failure(open({ destination: `root@127.0.0.1:${port}`, connectTimeoutMs: 300 }));
      expect(err.code).toBe('TIMEOUT');
    } finally {
      silent.close();
    }
  });
});

describe('commands', () => {
  it('kills a command at its deadline with COMMAND_TIMEOUT, and the session stays usable', async () => {
    // sshd honours signals only in privilege-separated (non-root) sessions.
    const s = await open({ destination: `${TEST_USER}@127.0.0.1:${sshd.port}`, identityFiles: [], password: TEST_PASSWORD });
    const run = s.execStream('echo $$; exec sleep 30', { timeoutMs: 500 });
    const [pidLine] = (await once(run.stdout, 'data')) as [Buffer];
    const err = await failure(run.done);
    expect(err.code).toBe('COMMAND_TIMEOUT');
    // The remote process is gone (sshd killed its process group), not left sleeping.
    const pid = pidLine.toString().trim();
    expect((await s.exec(`while kill -0 ${pid} 2>/dev/null; do sleep 0.05; done; echo gone`, { timeoutMs: 10_000 })).stdout.toString()).toBe('gone\n');
    const again = await failure(s.exec('sleep 30', { timeoutMs: 300 }));
    expect(again.code).toBe('COMMAND_TIMEOUT');
  });

  it('stops a command when its AbortSignal fires', async () => {
    const s = await open();
    const ac = new AbortController();
    const pending = s.exec('cat', { stdin: new Readable({ read: () => undefined }), signal: ac.signal });
    ac.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');
    expect((await s.exec('echo still here')).stdout.toString()).toBe('still here\n');
  });

  it('streams several MB of stdin through a command', async () => {
    const s = await open();
    const data = randomBytes(6 * 1024 * 1024 + 123);
    const r = await s.exec("sh -c 'wc -c'", { stdin: Readable.from([data.subarray(0, 1e6), data.subarray(1e6)]) });
    expect(r.stdout.toString().trim()).toBe(String(data.length));
    const sum = await s.exec('sha256sum', { stdin: data });
    expect(sum.stdout.toString().split(' ')[0]).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('streams large output, and caps what exec keeps', async () => {
    const s = await open();
    const stream = s.execStream('head -c 5000000 /dev/zero; echo done >&2');
    let total = 0;
    stream.stdout.on('data', (c: Buffer) => (total += c.length));
    const ended = once(stream.stdout, 'end');
    stream.stdin.end();
    expect(await stream.done).toEqual({ code: 0, signal: null });
    await ended;
    expect(total).toBe(5_000_000);
    const capped = await s.exec('head -c 100000 /dev/zero', { maxStdoutBytes: 1000 });
    expect(capped).toMatchObject({ code: 0, stdoutTruncated: true });
    expect(capped.stdout.length).toBe(1000);
  });

  it('says DISCONNECTED when the server side dies mid-command', async () => {
    const s = await connect(opts());
    const stream = s.execStream('echo $PPID $$; exec sleep 30');
    const [sshdPid, sleepPid] = ((await once(stream.stdout, 'data')) as [Buffer])[0].toString().trim().split(' ').map(Number);
    process.kill(sshdPid as number, 'SIGKILL');
    process.kill(sleepPid as number, 'SIGKILL');
    const err = await failure(stream.done);
    expect(err.code).toBe('DISCONNECTED');
    expect(s.isOpen).toBe(false);
    expect((await failure(s.exec('true'))).code).toBe('DISCONNECTED');
  });
});

describe('keepalives', () => {
  it('notices a server that stopped answering and says DISCONNECTED', async () => {
    const s = await connect(opts({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 }));
    const pid = Number((await s.exec('echo $PPID')).stdout.toString().trim());
    process.kill(pid, 'SIGSTOP');
    try {
      const err = await failure(s.exec('true'));
      expect(err.code).toBe('DISCONNECTED');
      expect(err.message).toContain('keepalives');
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
});

describe('channels per connection', () => {
  let tight: TestSshd;
  beforeAll(async () => {
    tight = await startSshd({ maxSessions: 1 });
    await authorizeKey(tight, 'root', keys.ed25519.publicKey);
  });
  afterAll(() => tight?.stop());

  it('says CHANNEL when the server refuses more sessions, and runs commands one by one within maxChannels', async () => {
    const kh = await newKnownHosts('tight', `${tight.knownHostsLine}\n`);
    const base = { destination: `root@127.0.0.1:${tight.port}`, knownHostsPath: kh };
    const greedy = await open({ ...base, maxChannels: 4 });
    // `cat` holds the only session sshd allows until its stdin ends.
    const holder = greedy.execStream('cat');
    const refused = await failure(greedy.exec('true'));
    expect(refused.code).toBe('CHANNEL');
    expect(refused.hint).toContain('MaxSessions');
    holder.stdin.end('held\n');
    expect(await holder.done).toEqual({ code: 0, signal: null });
    const polite = await open({ ...base, maxChannels: 1 });
    const ok = await Promise.all([1, 2, 3, 4, 5].map((i) => polite.exec(`echo ${i}`)));
    expect(ok.map((r) => r.stdout.toString())).toEqual(['1\n', '2\n', '3\n', '4\n', '5\n']);
  });
});
