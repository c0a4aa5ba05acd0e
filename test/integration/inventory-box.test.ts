/**
 * `skylift inventory` end to end: the real CLI, over a real sshd, against the test box with
 * every service running — findings, secrets, host keys, privileges, jump hosts, fleets.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inventory } from '../../shared/schema/inventory.js';
import { authorizeKey, ensureTestUser, makeUserKey, startSshd, tempDir, type TestKey, type TestSshd } from '../support/sshd.js';
import { startTestBox, type TestBox } from '../support/test-box.js';

const REPO = resolve(import.meta.dirname, '../..');
const isRoot = process.getuid?.() === 0;
const UNPRIVILEGED = 'skylift-test';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function skylift(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/skylift.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
}

describe.skipIf(!isRoot)('skylift inventory over SSH against the test box', () => {
  let box: TestBox;
  let sshd: TestSshd;
  let key: TestKey;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let dest: string;
  let run: CliRun;
  let inv: Inventory;

  beforeAll(async () => {
    [box, sshd, home] = await Promise.all([startTestBox(), startSshd(), tempDir('skylift-home-')]);
    key = await makeUserKey(home, { type: 'ed25519', name: 'operator' });
    await authorizeKey(sshd, 'root', key.publicKey);
    env = { SKYLIFT_HOME: home };
    dest = `root@127.0.0.1:${sshd.port}`;
    run = await skylift(['inventory', dest, '-i', key.path, '--accept-new', '--json', '-o', join(home, 'inventory.json')], env);
    inv = Inventory.parse(JSON.parse(await readFile(join(home, 'inventory.json'), 'utf8')));
  });

  afterAll(async () => {
    await Promise.all([box?.stop(), sshd?.stop()]);
  });

  it('reads the box as root in one SSH session, every section complete', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(inv.target).toEqual({ label: dest, transport: 'ssh' });
    expect(inv.probe.privilege).toBe('root');
    expect(inv.probe.sections.filter((s) => s.status !== 'ok')).toEqual([]);
    expect(inv.host.hostname).toBe(hostname());
    // One session: one accepted login, one exec request.
    expect(sshd.log().match(/Accepted publickey for root/g)).toHaveLength(1);
  });

  it('records the accepted host key in Skylift\'s own known-hosts file', async () => {
    expect(await readFile(join(home, 'known_hosts'), 'utf8')).toContain(sshd.hostPublicKey);
  });

  it('finds nginx with its TLS WebSocket site, the Let\'s Encrypt certificate, and the PM2 Socket.IO app behind it', () => {
    const site = inv.webServers.nginx?.servers.find((s) => s.serverNames.includes(box.letsEncrypt.domain));
    expect(site?.listen[0]).toMatchObject({ port: box.wsPort, ssl: true });
    expect(site?.locations[0]).toMatchObject({ proxyPass: `http://127.0.0.1:${box.pm2App.port}`, websocketUpgrade: true, proxyReadTimeoutSeconds: 600 });
    const le = inv.tls.certificates.find((c) => c.path.startsWith(`/etc/letsencrypt/live/${box.letsEncrypt.domain}/`));
    expect(le).toMatchObject({ source: 'letsencrypt', names: [box.letsEncrypt.domain, `www.${box.letsEncrypt.domain}`] });
    // Other test files may run a box app of the same name at the same time: this one is told by its directory.
    const pm2 = inv.runtimes.pm2.apps.find((a) => a.name === box.pm2App.name && a.cwd === box.pm2App.dir && a.source === 'process');
    expect(pm2).toMatchObject({ status: 'online', script: join(box.pm2App.dir, 'server.js') });
    const app = inv.apps.find((a) => a.dir === box.pm2App.dir);
    expect(app?.foundBy).toEqual(expect.arrayContaining(['pm2', 'nginx']));
    expect(app?.flags.socketio).toBe(true);
    expect(app?.ports).toContain(box.pm2App.port);
  });

  it('finds the databases and caches with versions', () => {
    expect(inv.databases.postgres.find((p) => p.port === box.pg.port)?.databases.map((d) => d.name)).toContain('shop');
    const maria = inv.databases.mysql.find((m) => m.port === box.maria.port);
    expect(maria).toMatchObject({ flavor: 'mariadb', binlog: { enabled: true, format: 'ROW' } });
    expect(maria?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(maria?.schemas.find((s) => s.name === 'shop')?.engines).toEqual({ InnoDB: 1, MyISAM: 1 });
    const redis = inv.caches.redis.find((r) => r.port === box.redis.port);
    expect(redis?.persistence).toEqual({ rdb: true, aof: true });
    expect(redis?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inv.caches.memcached.find((m) => m.port === box.memcached.port)).toMatchObject({ items: 2, limitBytes: 32 * 1024 * 1024 });
  });

  it('finds the user crontab with its token redacted', () => {
    const job = inv.cron.find((c) => c.user === box.cronUser);
    expect(job).toMatchObject({ source: 'user-crontab', schedule: '*/5 * * * *' });
    expect(job?.command).toMatch(/Authorization: \*\*\*/);
  });

  it('lets no seeded secret out: not in stdout, stderr, the inventory, nor anything in the data directory', async () => {
    const summary = await skylift(['inventory', dest, '-i', key.path], env);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toContain(`Inventory of ${dest}`);
    const everything = [run.stdout, run.stderr, summary.stdout, summary.stderr, ...(await filesUnder(home))].join('\n');
    for (const s of box.allSecrets()) expect(everything).not.toContain(s);
  });

  it('plans from the live inventory: every finding mapped or listed, WebSocket fixes emitted, no secret in any export', async () => {
    const out = join(home, 'plan');
    const r = await skylift(['plan', '--inventory', join(home, 'inventory.json'), '--region', 'eu-west-1', '-o', out], env);
    expect(r.code, r.stderr).toBe(0);
    const files = await filesUnder(out);
    const plan = JSON.parse(await readFile(join(out, 'plan.json'), 'utf8')) as { steps: { id: string }[] };
    expect(plan.steps.length).toBeGreaterThan(5);
    const runbook = await readFile(join(out, 'plan.md'), 'utf8');
    expect(runbook).toContain('eu-west-1');
    expect(runbook).toMatch(/PostgreSQL/);
    expect(runbook).toMatch(/MariaDB/);
    expect(runbook).toMatch(/Redis|Valkey/);
    const nginxOverrides = await readdir(join(out, 'eb'), { recursive: true });
    expect(nginxOverrides.some((f) => String(f).includes('.platform/nginx'))).toBe(true);
    for (const s of box.allSecrets()) for (const f of files) expect(f).not.toContain(s);
    // Run again from the answers it wrote: the same bytes.
    const again = await skylift(['plan', '--inventory', join(home, 'inventory.json'), '--answers', join(out, 'answers.json'), '-o', join(home, 'plan2')], env);
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(join(home, 'plan2', 'plan.json'), 'utf8')).toBe(await readFile(join(out, 'plan.json'), 'utf8'));
  });

  it('refuses a changed host key before sending anything, naming both fingerprints', async () => {
    const other = await tempDir('skylift-home-');
    const impostor = await makeUserKey(other, { type: 'ed25519', name: 'not-the-host' });
    await writeFile(join(other, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${impostor.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
    const logins = () => sshd.log().match(/Accepted publickey/g)?.length ?? 0;
    const before = logins();
    const refused = await skylift(['inventory', dest, '-i', key.path, '--accept-new'], { SKYLIFT_HOME: other });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('HOST_KEY_CHANGED');
    expect(refused.stderr).toContain(impostor.fingerprint);
    expect(refused.stderr).toContain(sshd.hostKeyFingerprint);
    expect(logins()).toBe(before);
  });

  it('as an unprivileged user: a partial inventory that says what could not be read and why', async () => {
    await ensureTestUser(UNPRIVILEGED, 'not-used-here');
    await authorizeKey(sshd, UNPRIVILEGED, key.publicKey);
    const out = join(home, 'user.json');
    const r = await skylift(['inventory', `${UNPRIVILEGED}@127.0.0.1:${sshd.port}`, '-i', key.path, '--json', '-o', out], env);
    expect(r.code, r.stderr).toBe(0);
    const mine = Inventory.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(mine.probe).toMatchObject({ user: UNPRIVILEGED, privilege: 'user' });
    expect(mine.databases.mysql.find((m) => m.port === box.maria.port)?.unreadable).toMatch(/needs root or sudo/);
    expect(mine.databases.postgres.find((p) => p.port === box.pg.port)?.unreadable).toMatch(/needs root, sudo to postgres/);
    expect(mine.notRead.length).toBeGreaterThan(0);
    expect(mine.notRead.every((n) => n.reason.length > 0)).toBe(true);
  });

  it('as a passwordless sudoer: elevates with sudo -n and reads what root reads', async () => {
    const user = 'skylift-sudoer';
    const rule = `/etc/sudoers.d/${user}`;
    await ensureTestUser(user, 'not-used-here');
    await writeFile(rule, `${user} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    try {
      await authorizeKey(sshd, user, key.publicKey);
      const out = join(home, 'sudoer.json');
      const r = await skylift(['inventory', `${user}@127.0.0.1:${sshd.port}`, '-i', key.path, '--json', '-o', out], env);
      expect(r.code, r.stderr).toBe(0);
      const mine = Inventory.parse(JSON.parse(await readFile(out, 'utf8')));
      expect(mine.probe).toMatchObject({ user: 'root', privilege: 'sudo' });
      expect(mine.databases.mysql.find((m) => m.port === box.maria.port)?.unreadable).toBeNull();
      // --no-sudo keeps it unprivileged.
      const plain = await skylift(['inventory', `${user}@127.0.0.1:${sshd.port}`, '-i', key.path, '--no-sudo', '--json'], env);
      expect(Inventory.parse(JSON.parse(plain.stdout)).probe).toMatchObject({ user, privilege: 'user' });
    } finally {
      await rm(rule, { force: true });
    }
  });

  it('goes through a jump host (a second sshd) with -J', async () => {
    const bastion = await startSshd({ logLevel: 'DEBUG1' });
    try {
      await authorizeKey(bastion, 'root', key.publicKey);
      const r = await skylift(['inventory', dest, '-i', key.path, '-J', `root@127.0.0.1:${bastion.port}`, '--accept-new', '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(Inventory.parse(JSON.parse(r.stdout)).host.hostname).toBe(hostname());
      expect(bastion.log()).toMatch(/Accepted publickey for root/);
      expect(bastion.log()).toMatch(new RegExp(`direct.tcpip.*127\\.0\\.0\\.1 port ${sshd.port}`));
    } finally {
      await bastion.stop();
    }
  });

  it('inventories several targets concurrently, each with its own result', async () => {
    const r = await skylift(['inventory', dest, `root@127.0.0.1:1`, '-i', key.path, '--json'], env);
    expect(r.code).toBe(1);
    const [ok, failed] = JSON.parse(r.stdout) as [unknown, { target: string; error: { code: string } }];
    expect(Inventory.parse(ok).target.label).toBe(dest);
    expect(failed).toMatchObject({ target: 'root@127.0.0.1:1', error: { code: 'REFUSED' } });
    expect(r.stderr).toContain('root@127.0.0.1:1');
  });
});
