import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inventory } from '../../shared/schema/inventory.js';
import { PRELUDE } from '../../shared/inventory/probe-script.js';
import { cronSection } from '../../shared/inventory/sections/cron.js';
import { firewallSection } from '../../shared/inventory/sections/firewall.js';
import { hostSection } from '../../shared/inventory/sections/host.js';
import { pm2Section } from '../../shared/inventory/sections/pm2.js';
import { processesSection } from '../../shared/inventory/sections/processes.js';
import { runtimesSection } from '../../shared/inventory/sections/runtimes.js';
import { servicesSection } from '../../shared/inventory/sections/services.js';
import { splitProbeOutput } from '../../shared/inventory/split-output.js';
import { readRecords } from '../../shared/inventory/parse-records.js';
import { type BoxApp, startBoxApp } from '../support/box-app.js';
import { parseProbe, runProbe } from '../support/probe-sections.js';

const run = promisify(execFile);
const SECTIONS = [hostSection, processesSection, servicesSection, runtimesSection, pm2Section, cronSection, firewallSection];
const USER = 'skylift-probe';
const ARG_SECRET = 'SEEKRET123';
const has = (cmd: string) => spawnSync('/bin/sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.getuid?.() === 0;

let dir: string;
let server: Server;
let port: number;
let child: ChildProcess;
let app: BoxApp;
let createdUser = false;
let output: string;
let inv: Inventory;

describe.skipIf(!isRoot)('the system sections on this machine (live, as root)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(os.tmpdir(), 'skylift-probe-'));
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)', '--', `--api-key=${ARG_SECRET}`, '--port', '4000'], { cwd: dir, stdio: 'ignore' });

    createdUser = spawnSync('id', ['-u', USER]).status !== 0;
    if (createdUser) await run('useradd', ['-M', '-s', '/bin/sh', USER]);
    const crontab = join(dir, 'crontab');
    // The capture of a real crontab: an env line with a secret, a job with a token.
    await writeFile(crontab, await readFile(resolve(import.meta.dirname, '../fixtures/probe/cron/crontab-raw.txt'), 'utf8'));
    await run('crontab', ['-u', USER, crontab]);

    app = await startBoxApp(dir);
    await run(resolve(import.meta.dirname, '../../node_modules/.bin/pm2'), ['save'], { env: { ...process.env, PM2_HOME: app.pm2Home } });

    output = await runProbe(SECTIONS);
    inv = parseProbe(output, SECTIONS);
  });

  afterAll(async () => {
    child?.kill();
    server?.close();
    await app?.stop();
    await run('crontab', ['-u', USER, '-r']).catch(() => undefined);
    if (createdUser) await run('userdel', [USER]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs every section to the end and yields a valid inventory', () => {
    expect(inv.probe.privilege).toBe('root');
    expect(inv.probe.sections.map((s) => [s.name, s.exitCode])).toEqual(SECTIONS.map((s) => [s.name, 0]));
    expect(() => Inventory.parse(inv)).not.toThrow();
  });

  it('reads the host’s real facts', () => {
    const h = inv.host;
    expect(h.hostname).toBe(os.hostname());
    expect(h.kernel).toBe(os.release());
    expect(h.cpus).toBe(os.cpus().length);
    expect(Math.abs((h.memoryBytes ?? 0) - os.totalmem())).toBeLessThan(os.totalmem() / 100);
    expect(h.arch).toBe(spawnSync('uname', ['-m']).stdout.toString().trim());
    expect(h.uptimeSeconds).toBeGreaterThan(0);
    expect(h.loadAverage).toHaveLength(3);
    expect(h.mounts.find((m) => m.mountpoint === '/')?.sizeBytes).toBeGreaterThan(0);
    expect(h.os.id).toBe(/^ID=(.*)$/m.exec(spawnSync('cat', ['/etc/os-release']).stdout.toString())?.[1]?.replace(/"/g, ''));
  });

  it('finds this test’s listener with its pid, and its child with the secret argument redacted', () => {
    // The name is the process's comm, which test runners retitle: only the pid is certain.
    expect(inv.listeners).toContainEqual({ proto: 'tcp', address: '127.0.0.1', port, pid: process.pid, processName: expect.any(String), public: false });
    const p = inv.processes.find((x) => x.pid === child.pid);
    expect(p).toMatchObject({ ppid: process.pid, user: 'root', cwd: dir });
    expect(p?.command).toContain('--api-key=***');
    expect(p?.command).toContain('--port 4000');
    expect(JSON.stringify(inv)).not.toContain(ARG_SECRET);
  });

  it('finds the PM2 app from its running daemon and its dump, with env names only', () => {
    // Other test files may run their own box app at the same time: this one is told by its directory.
    const apps = inv.runtimes.pm2.apps.filter((a) => a.name === app.name && a.cwd === app.dir);
    expect(apps.map((a) => a.source).sort()).toEqual(['dump', 'process']);
    for (const a of apps) {
      expect(a).toMatchObject({ user: 'root', script: join(app.dir, 'server.js') });
      expect(a.envNames).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'STRIPE_API_KEY']));
    }
    expect(apps.find((a) => a.source === 'process')?.pid).toBeGreaterThan(0);
    const pm2Raw = splitProbeOutput(output).sections.get('pm2')?.text ?? '';
    for (const secret of app.secrets) {
      expect(pm2Raw).not.toContain(secret);
      expect(JSON.stringify(inv)).not.toContain(secret);
    }
  });

  it('finds the test user’s crontab with its token redacted; its env line never left the box', () => {
    const jobs = inv.cron.filter((j) => j.user === USER);
    expect(jobs.map((j) => j.schedule)).toEqual(['*/10 * * * *', '@hourly']);
    expect(jobs[1]?.command).toBe('/srv/app/bin/report --token=***');
    expect(jobs[0]).toMatchObject({ source: 'user-crontab', command: '/usr/bin/node /srv/app/jobs/sync.js' });
    expect(output).not.toContain('tok_live_123456');
    expect(JSON.stringify(inv)).not.toContain('abc123xyz');
  });

  it('reads node, the tools and the service manager as they are here', () => {
    expect(inv.runtimes.node).toContainEqual(expect.objectContaining({ version: process.versions.node }));
    if (has('npm')) expect(inv.runtimes.tools.map((t) => t.name)).toContain('npm');
    expect(inv.runtimes.docker === null).toBe(!has('docker'));
    expect(inv.services.init).toBe(spawnSync('test', ['-d', '/run/systemd/system']).status === 0 ? 'systemd' : 'other');
    if (!has('ufw') && !has('nft') && !has('iptables-save')) expect(inv.firewall.tool).toBe('none');
  });

  it('as an unprivileged user: reads its own crontab and says what it could not see', async () => {
    const mine = parseProbe(await runProbe(SECTIONS, USER), SECTIONS);
    expect(mine.probe.privilege).toBe('user');
    expect(() => Inventory.parse(mine)).not.toThrow();
    expect(mine.host.hostname).toBe(os.hostname());
    expect(mine.cron.filter((j) => j.user === USER).map((j) => j.file)).toEqual(['crontab -l', 'crontab -l']);
    expect(mine.listeners.find((l) => l.port === port)?.pid).toBeNull();
    const notRead = mine.notRead.map((n) => n.what);
    expect(notRead).toContain('listening socket owners');
    expect(notRead).toContain('user crontabs in /var/spool/cron/crontabs');
    expect(notRead.some((w) => w.startsWith('PM2 app process'))).toBe(true);
    expect(JSON.stringify(mine)).not.toContain(ARG_SECRET);
  });
});

describe('the system section bodies are POSIX sh', () => {
  const shells = ['dash', 'busybox sh'].filter((s) => has(s.split(' ')[0] ?? ''));

  it.each(SECTIONS.flatMap((s) => shells.map((sh) => [s.name, sh, s] as const)))('%s parses under %s', (_name, shell, section) => {
    const [bin = '', ...args] = shell.split(' ');
    const r = spawnSync(bin, [...args, '-n', '-c', `${PRELUDE}\n${section.script}`]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!has('busybox'))('busybox sh prints the same kinds of records as dash', () => {
    for (const section of SECTIONS) {
      const tags = (bin: string, args: string[]) =>
        [...new Set(readRecords(spawnSync(bin, [...args, '-c', `${PRELUDE}\n${section.script}`], { env: { ...process.env, LC_ALL: 'C' } }).stdout.toString()).map((r) => r.tag))].sort();
      expect(tags('busybox', ['sh']), section.name).toEqual(tags('dash', []));
    }
  });
});
