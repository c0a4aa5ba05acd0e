/**
 * The write freeze as the plan builds it, run by the runner over SSH against a real nginx (its
 * site file a sites-enabled symlink, as on Debian) and a real PostgreSQL or MariaDB: during the
 * freeze a request gets 503 with Retry-After, a connection held open through nginx is cut, and a
 * write fails read-only (a PostgreSQL transaction that was already writing is ended); the journal and `status` hold the freeze time
 * up to the switch; the rollback lets both through again and leaves the site file as it was.
 */
import { lstat, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import type { RunnerEvent } from '../../../electron/engine/runner/events.js';
import { Journal, migrationDir } from '../../../electron/engine/runner/journal.js';
import { rollback } from '../../../electron/engine/runner/rollback.js';
import { migrationStatus } from '../../../electron/engine/runner/status.js';
import { mapInventories } from '../../../shared/mapping/index.js';
import { buildPlan } from '../../../shared/plan/index.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Inventory } from '../../../shared/schema/inventory.js';
import type { Plan, PlanStep } from '../../../shared/schema/plan.js';
import { freePort } from '../../support/free-port.js';
import { serviceDir, startMariadb, startNginx, startPostgres, type MariadbService, type NginxService, type PostgresService } from '../../support/services.js';
import { startBox, type TestBox } from '../data/box.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';

const isRoot = process.getuid?.() === 0;
const LABEL = 'root@box';
const NAME = 'freeze.example.test';

/** A sample box pointed at this machine's nginx site file and database server. */
function inventory(name: string, nginxConf: string, site: string, port: number, dbPort: number): Inventory {
  const inv = structuredClone(SAMPLES[name] as Inventory);
  const server = inv.webServers.nginx!.servers[0]!;
  return {
    ...inv,
    target: { ...inv.target, label: LABEL },
    webServers: {
      ...inv.webServers,
      nginx: { ...inv.webServers.nginx!, configFile: nginxConf, configRead: true, servers: [{ ...server, file: site, serverNames: [NAME], listen: [{ address: '127.0.0.1', port, ssl: false, http2: false, proxyProtocol: false, defaultServer: false }] }] },
    },
    databases: { postgres: inv.databases.postgres.map((p) => ({ ...p, port: dbPort })), mysql: inv.databases.mysql.map((m) => ({ ...m, port: dbPort })) },
    cron: [],
  };
}

/** The plan's freeze step, and a stand-in for the switch (the moment AWS takes the writes). */
function freezePlan(full: Plan): Plan {
  const freeze = full.steps.find((s) => s.id === 'freeze-writes')!;
  const switchDns: PlanStep = { ...full.steps.find((s) => s.id === 'switch-dns')!, dependsOn: ['freeze-writes'], actions: [{ kind: 'remote', host: LABEL, command: 'true', sudo: false, outputs: {} }], verify: [], undo: { kind: 'nothing', reason: 'test' }, pointOfNoReturn: false, manual: false, preconditions: [] };
  return { ...full, migration: { ...full.migration, name: 'freeze' }, applicable: true, openBlockers: [], phases: ['freeze', 'switch-dns'], steps: [{ ...freeze, dependsOn: [] }, switchDns], downtime: { steps: ['freeze-writes', 'switch-dns'], maxMinutes: 7 } };
}

function request(port: number): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/orders', headers: { host: NAME }, agent: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
    }).once('error', reject);
  });
}

describe.skipIf(!isRoot)('the write freeze through the runner', () => {
  let world: RunnerWorld;
  let box: TestBox;
  let db: PostgresService;
  let maria: MariadbService;
  let nginx: NginxService;
  let app: Server;
  const upgrades = new Set<Socket>();
  let port: number;
  let site: string;
  let siteText: string;
  let runnerOptions: (home: string, events: RunnerEvent[]) => ReturnType<RunnerWorld['options']>;
  const planFor = (sample: string, dbPort: number) => freezePlan(buildPlan(mapInventories([inventory(sample, nginx.configFile, site, port, dbPort)])));

  beforeAll(async () => {
    [world, box, db, maria] = await Promise.all([startRunnerWorld({ speed: 2000, domain: 'copy.example.test', appEnvironments: [] }), startBox(), startPostgres(), startMariadb()]);
    await db.query('create database shop');
    await db.query('create table orders (id serial primary key, note text)', 'shop');
    // The app's own account: read_only does not stop accounts with SUPER/READ_ONLY ADMIN, and an app should not have one.
    await maria.sql("create database legacy; create table legacy.orders (id int auto_increment primary key, note text); create user 'app'@'127.0.0.1' identified by 'app-pw'; grant select, insert on legacy.* to 'app'@'127.0.0.1';");
    app = createServer((_req, res) => res.end('ok'));
    // A WebSocket-style upgrade that stays open, as Socket.IO's would.
    app.on('upgrade', (_req, socket: Socket) => {
      upgrades.add(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    port = await freePort();
    const dir = await serviceDir('skylift-freeze-nginx-');
    await mkdir(join(dir, 'sites-available'));
    await mkdir(join(dir, 'sites-enabled'));
    siteText = `server {\n  listen 127.0.0.1:${port};\n  server_name ${NAME};\n  location / { proxy_pass http://127.0.0.1:${(app.address() as AddressInfo).port}; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; }\n}\n`;
    await writeFile(join(dir, 'sites-available', 'shop'), siteText);
    site = join(dir, 'sites-enabled', 'shop');
    await symlink(join(dir, 'sites-available', 'shop'), site);
    nginx = await startNginx({ dir, waitFor: [port], http: `  include ${join(dir, 'sites-enabled')}/*;` });
    runnerOptions = (home, events) =>
      world.options(home, {
        ssh: async () => ({ destination: box.destination, identityFiles: [box.keyPath], knownHostsPath: box.knownHosts, userKnownHostsPath: null, sshConfigPath: null, agent: null, connectTimeoutMs: 10_000 }),
        timeScale: 0.05,
        yes: true,
        onEvent: (e) => events.push(e),
      });
  }, 120_000);

  afterAll(async () => {
    await box?.stop();
    for (const s of upgrades) s.destroy();
    await Promise.all([world?.close(), db?.stop(), maria?.stop(), nginx?.stop(), new Promise((r) => (app ? app.close(r) : r(null)))]);
  });

  it('PostgreSQL: answers 503 with Retry-After and refuses writes during the freeze, measures it up to the switch, and lets everything through after the rollback', async () => {
    const home = await newHome();
    const events: RunnerEvent[] = [];
    const options = runnerOptions(home, events);
    const plan = planFor('linode-systemd-postgres', db.port);
    const write = (note: string) => db.query(`insert into orders (note) values ('${note}')`, 'shop');
    expect((await request(port)).status).toBe(200);
    await write('before');

    // A transaction that has written and not committed when the freeze starts.
    const writer = new pg.Client({ host: '127.0.0.1', port: db.port, user: 'postgres', password: db.password, database: 'shop' });
    await writer.connect();
    writer.on('error', () => undefined);
    await writer.query('begin');
    await writer.query("insert into orders (note) values ('in flight')");

    // A WebSocket through nginx, open before the freeze: the freeze must cut it.
    const upgraded = await new Promise<Socket>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/socket', headers: { host: NAME, connection: 'Upgrade', upgrade: 'websocket' }, agent: false })
        .once('upgrade', (_res, socket) => resolve(socket))
        .once('error', reject);
    });
    const streamClosed = new Promise<void>((resolve) => upgraded.once('close', () => resolve()));

    const frozen = await apply(plan, { ...options, until: 'freeze' });
    expect(frozen.error?.message ?? null).toBeNull();
    expect(frozen.result).toBe('stopped');
    await streamClosed;

    const during = await request(port);
    expect(during).toEqual({ status: 503, retryAfter: '120' });
    await expect(write('during')).rejects.toThrow(/read-only transaction/);
    await expect(writer.query('commit')).rejects.toThrow();
    await writer.end().catch(() => undefined);
    expect((await lstat(site)).isSymbolicLink()).toBe(true);

    const running = await migrationStatus('freeze', { home });
    expect(running.freeze).toMatchObject({ writesStoppedAt: expect.any(String), writesAcceptedAt: null });

    const switched = await apply(plan, options);
    expect(switched.error?.message ?? null).toBeNull();
    expect(switched.result).toBe('completed');
    const status = await migrationStatus('freeze', { home });
    expect(status.freeze).toMatchObject({ writesStoppedAt: running.freeze!.writesStoppedAt, writesAcceptedAt: expect.any(String) });
    expect(Date.parse(status.freeze!.writesAcceptedAt!)).toBeGreaterThanOrEqual(Date.parse(status.freeze!.writesStoppedAt));
    const notes = Journal.read(migrationDir('freeze', home)).filter((r) => r.type === 'note' && r.key?.startsWith('freeze:'));
    expect(notes.map((n) => (n.type === 'note' ? n.key?.split(':').slice(0, 2).join(':') : ''))).toEqual(['freeze:writes-stopped', 'freeze:writes-accepted']);
    expect(events.some((e) => e.type === 'notice' && e.step === 'switch-dns' && /^write freeze \d+ s: writes stopped on the box at /.test(e.message))).toBe(true);

    const back = await rollback('freeze', options);
    expect(back.error?.message ?? null).toBeNull();
    expect(back.result).toBe('completed');
    expect((await request(port)).status).toBe(200);
    await write('after');
    const notes2 = await db.query('select note from orders order by id', 'shop');
    expect(notes2.rows.map((r: { note: string }) => r.note)).toEqual(['before', 'after']);
    expect(await readFile(site, 'utf8')).toBe(siteText);
    expect((await lstat(site)).isSymbolicLink()).toBe(true);
    expect((await migrationStatus('freeze', { home })).freeze).toBeNull();
  }, 180_000);

  it('MariaDB: read_only stops the app\'s account during the freeze, and the undo lets it write again', async () => {
    const home = await newHome();
    const options = runnerOptions(home, []);
    const plan = planFor('node12-uploads-crons', maria.port);
    const app = await mysql.createConnection({ host: '127.0.0.1', port: maria.port, user: 'app', password: 'app-pw', database: 'legacy' });
    try {
      await app.query("insert into orders (note) values ('before')");
      const frozen = await apply(plan, { ...options, until: 'freeze' });
      expect(frozen.error?.message ?? null).toBeNull();
      expect(await request(port)).toEqual({ status: 503, retryAfter: '120' });
      await expect(app.query("insert into orders (note) values ('during')")).rejects.toThrow(/read-only/);
      const back = await rollback('freeze', options);
      expect(back.error?.message ?? null).toBeNull();
      expect((await request(port)).status).toBe(200);
      await app.query("insert into orders (note) values ('after')");
      const [rows] = await app.query('select note from orders order by id');
      expect((rows as { note: string }[]).map((r) => r.note)).toEqual(['before', 'after']);
      expect(await readFile(site, 'utf8')).toBe(siteText);
    } finally {
      await app.end();
    }
  }, 180_000);
});
