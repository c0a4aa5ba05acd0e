import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../shared/inventory/parse-inventory.js';
import { buildProbeScript, PRELUDE, probeCommand } from '../../shared/inventory/probe-script.js';
import type { ProbeSection } from '../../shared/inventory/section.js';
import { apacheSection } from '../../shared/inventory/sections/apache.js';
import { appsSection } from '../../shared/inventory/sections/apps.js';
import { memcachedSection } from '../../shared/inventory/sections/memcached.js';
import { mysqlSection } from '../../shared/inventory/sections/mysql.js';
import { nginxSection } from '../../shared/inventory/sections/nginx.js';
import { postgresSection } from '../../shared/inventory/sections/postgres.js';
import { pm2Section } from '../../shared/inventory/sections/pm2.js';
import { processesSection } from '../../shared/inventory/sections/processes.js';
import { redisSection } from '../../shared/inventory/sections/redis.js';
import { tlsSection } from '../../shared/inventory/sections/tls.js';
import { SH_SEND } from '../../shared/inventory/probe-shell.js';
import { splitProbeOutput } from '../../shared/inventory/split-output.js';
import { Inventory } from '../../shared/schema/inventory.js';
import { type BoxApp, startBoxApp } from '../support/box-app.js';
import { freePort } from '../support/free-port.js';
import { runProbe } from '../support/probe-sections.js';
import {
  connectOnce, PG_BIN, serviceDir, startNginx, startRedis,
  type MariadbService, type NginxService, type NodeAppService, type PostgresService, type RunningService,
} from '../support/services.js';
import { startTestBox, type TestBox } from '../support/test-box.js';

/** The processes section links listeners to pids, so app ports and nginx targets can be checked end to end. */
const SECTIONS: readonly ProbeSection[] = [processesSection, nginxSection, apacheSection, tlsSection, appsSection, postgresSection, mysqlSection, redisSection, memcachedSection];
const isRoot = process.getuid?.() === 0;
const has = (cmd: string) => spawnSync('/bin/sh', ['-c', `command -v ${cmd}`]).status === 0;
const firstLine = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n')[0] ?? '';
};
const parse = (output: string) => parseProbeOutput(output, { label: 'local', transport: 'local', collectedAt: new Date().toISOString(), durationMs: null }, SECTIONS);

let box: TestBox;
let pg: PostgresService;
let maria: MariadbService;
let redis: RunningService;
let memcached: RunningService;
let nginx: NginxService;
let app: NodeAppService;
let httpPort: number;
let httpsPort: number;
let cert: string;
let output: string;
let inv: Inventory;
let SECRETS: Record<string, string>;

describe.skipIf(!isRoot)('the data and web sections on this machine (live services, as root)', () => {
  beforeAll(async () => {
    box = await startTestBox();
    ({ pg, maria, redis, memcached, nginx, app, httpPort, httpsPort, cert } = box);
    SECRETS = { db: box.secrets.db!, jwt: box.secrets.jwt!, key: box.secrets.key!, header: box.secrets.header! };
    output = await runProbe(SECTIONS);
    inv = parse(output);
  });

  afterAll(async () => {
    await box?.stop();
  });

  it('runs every section to the end and yields a valid inventory', () => {
    expect(inv.probe.sections.map((s) => [s.name, s.status])).toEqual(SECTIONS.map((s) => [s.name, 'ok']));
    expect(() => Inventory.parse(inv)).not.toThrow();
  });

  it('reads nginx started with -c: version, the effective config, upgrade headers through a map, TLS', () => {
    const n = inv.webServers.nginx!;
    expect(n.version).toBe(/nginx\/(\S+)/.exec(firstLine('nginx', ['-v']))?.[1]);
    // Other tests may run their own nginx at the same time: this one is told by its config file.
    expect(n.configRead).toBe(true);
    const plain = n.servers.find((s) => s.listen.some((l) => l.port === httpPort))!;
    expect(plain).toMatchObject({ file: nginx.configFile, serverNames: ['chat.example.test'], clientMaxBodySize: '20m', redirectsToHttps: true });
    expect(plain.listen).toEqual([{ address: '127.0.0.1', port: httpPort, ssl: false, http2: false, proxyProtocol: false, defaultServer: true }]);
    expect(plain.locations[0]).toMatchObject({ path: '/socket.io/', proxyPass: `http://127.0.0.1:${app.port}`, websocketUpgrade: true, proxyReadTimeoutSeconds: 3600 });
    const tls = n.servers.find((s) => s.listen.some((l) => l.port === httpsPort))!;
    expect(tls).toMatchObject({ sslCertificate: cert, root: join(app.appDir, 'public'), redirectsToHttps: false });
    expect(tls.listen[0]?.ssl).toBe(true);
    expect(tls.locations[0]).toMatchObject({ path: '/', websocketUpgrade: false });
  });

  it('reads the certificate nginx serves, never its key', () => {
    const c = inv.tls.certificates.find((x) => x.path === cert)!;
    expect(c).toMatchObject({ source: 'nginx', subject: 'CN=chat.example.test', issuer: 'CN=chat.example.test', names: ['chat.example.test', 'www.chat.example.test'] });
    expect(Date.parse(c.notAfter!)).toBeGreaterThan(Date.parse(c.notBefore!));
    expect(output).not.toContain('PRIVATE KEY');
  });

  it('finds the Node.js app from its process and nginx, with package.json facts, env names only and its port', () => {
    const a = inv.apps.find((x) => x.dir === app.appDir)!;
    expect(a.name).toBe('chat-api');
    expect(a.foundBy).toEqual(expect.arrayContaining(['process', 'nginx']));
    expect(a.packageJson).toMatchObject({ name: 'chat-api', version: '2.3.1', enginesNode: '>=20', startScript: 'node server.js', main: 'server.js' });
    expect(a.flags).toEqual({ socketio: true, ws: false, express: true, postgres: true, mysql: false, redis: true, socketioRedisAdapter: false, memcached: true, uploads: true });
    expect(a.writableDirs).toEqual([{ path: join(app.appDir, 'public/uploads'), sizeBytes: expect.any(Number), files: 1 }]);
    expect(a.envNames).toEqual([
      { name: 'NODE_ENV', source: join(app.appDir, '.env'), secret: false },
      { name: 'DB_PASSWORD', source: join(app.appDir, '.env'), secret: true },
      { name: 'JWT_SECRET', source: join(app.appDir, '.env'), secret: true },
      { name: 'PORT', source: join(app.appDir, '.env'), secret: false },
      { name: 'STRIPE_API_KEY', source: join(app.appDir, '.env.production'), secret: true },
    ]);
    expect(a.ports).toEqual([app.port]);
  });

  it('never lets a secret value leave the box', () => {
    const parsed = JSON.stringify(inv);
    for (const secret of Object.values(SECRETS)) {
      expect(output).not.toContain(secret);
      expect(parsed).not.toContain(secret);
    }
    expect(output).not.toContain(pg.password);
    expect(output).not.toContain(maria.password);
  });

  it('reads the PostgreSQL server started with -D/-p/-k: version, settings, databases with sizes and extensions', () => {
    const s = inv.databases.postgres.find((x) => x.port === pg.port)!;
    expect(s.version).toBe(/\(PostgreSQL\) (\S+)/.exec(firstLine(`${PG_BIN}/postgres`, ['--version']))?.[1]);
    expect(s).toMatchObject({ dataDir: pg.dataDir, pid: pg.pid, listenAddresses: '127.0.0.1', walLevel: 'replica', maxConnections: 100, unreadable: null });
    const shop = s.databases.find((d) => d.name === 'shop')!;
    expect(shop.owner).toBe('postgres');
    expect(shop.sizeBytes).toBeGreaterThan(1_000_000);
    expect(shop.extensions.map((e) => e.name).sort()).toEqual(['hstore', 'pgcrypto', 'plpgsql']);
    expect(s.databases.map((d) => d.name)).toContain('postgres');
  });

  it('reads MariaDB through its own socket: version, binlog, schemas with engines', () => {
    const s = inv.databases.mysql.find((x) => x.port === maria.port)!;
    expect(s).toMatchObject({ flavor: 'mariadb', socket: maria.socket, dataDir: maria.dataDir, pid: maria.pid, serverId: 1, binlog: { enabled: true, format: 'ROW' }, unreadable: null });
    expect(s.version).toContain(/Ver (\S+?)-MariaDB/.exec(firstLine('/usr/sbin/mariadbd', ['--version']))?.[1]);
    expect(s.schemas).toEqual([{ name: 'shop', sizeBytes: expect.any(Number), tables: 2, engines: { InnoDB: 1, MyISAM: 1 } }]);
    expect(s.sqlMode).toContain('STRICT_TRANS_TABLES');
  });

  it('reads Redis: version, memory, keyspace per db, AOF and RDB', () => {
    const s = inv.caches.redis.find((x) => x.port === redis.port)!;
    expect(s.version).toBe(/v=(\S+)/.exec(firstLine('redis-server', ['--version']))?.[1]);
    expect(s).toMatchObject({ pid: redis.pid, maxmemoryBytes: 0, maxmemoryPolicy: 'noeviction', persistence: { rdb: true, aof: true }, unreadable: null });
    expect(s.keyspace).toEqual([{ db: 0, keys: 2, expires: 0 }, { db: 2, keys: 1, expires: 1 }]);
    expect(s.usedMemoryBytes).toBeGreaterThan(0);
  });

  it('reads memcached: version, memory limit, items', () => {
    const s = inv.caches.memcached.find((x) => x.port === memcached.port)!;
    expect(s).toEqual({ version: /memcached (\S+)/.exec(firstLine('memcached', ['-V']))?.[1], port: memcached.port, pid: memcached.pid, limitBytes: 32 * 1024 * 1024, items: 2, unreadable: null });
  });

  it('neither runs nor reads the config of an nginx master that another user started', async () => {
    const port = await freePort();
    const theirs = await startNginx({ user: 'nobody', waitFor: [port], http: `server { listen 127.0.0.1:${port}; server_name theirs.example.test; }` });
    try {
      const again = parse(await runProbe(SECTIONS));
      expect(again.webServers.nginx!.servers.some((s) => s.serverNames.includes('theirs.example.test'))).toBe(false);
      expect(again.webServers.nginx!.servers.some((s) => s.file === nginx.configFile)).toBe(true);
      expect(again.notRead).toContainEqual({
        what: `nginx effective config (${theirs.configFile})`,
        reason: 'its master process runs as another user, so its config was neither run nor read',
      });
    } finally {
      await theirs.stop();
    }
  });

  it('reports apache as absent when it is not installed', () => {
    if (!has('apache2ctl') && !has('apachectl') && !has('httpd')) expect(inv.webServers.apache).toBeNull();
  });

  it('as an unprivileged user: still finds every server, and says what needed privileges', async () => {
    const mine = parse(await runProbe(SECTIONS, 'nobody'));
    expect(mine.probe.privilege).toBe('user');
    expect(() => Inventory.parse(mine)).not.toThrow();
    const p = mine.databases.postgres.find((x) => x.port === pg.port)!;
    expect(p).toMatchObject({ dataDir: pg.dataDir, version: inv.databases.postgres.find((x) => x.port === pg.port)!.version, databases: [] });
    expect(p.unreadable).toMatch(/^needs root, sudo to postgres, or credentials/);
    expect(mine.databases.mysql.find((x) => x.port === maria.port)?.unreadable).toMatch(/^needs root or sudo, or credentials/);
    expect(mine.caches.redis.find((x) => x.port === redis.port)?.keyspace).toHaveLength(2);
    expect(mine.caches.memcached.find((x) => x.port === memcached.port)?.items).toBe(2);
    const n = mine.webServers.nginx!;
    expect(n.configRead).toBe(false);
    expect(n.servers.flatMap((s) => s.listen.map((l) => l.port)).sort()).toEqual([httpPort, httpsPort, box.wsPort].sort());
    expect(mine.notRead.map((x) => x.what)).toContain(`nginx effective config (${nginx.configFile})`);
    // The app's cwd is unreadable to nobody; its nginx root still leads to it.
    expect(mine.apps.find((x) => x.dir === app.appDir)?.foundBy).toEqual(['nginx']);
    const raw = JSON.stringify(mine);
    for (const secret of Object.values(SECRETS)) expect(raw).not.toContain(secret);
  });

  it.skipIf(!has('busybox') || !has('unshare'))('finds the same under busybox sh and busybox tools', async () => {
    // A private mount namespace: /bin/sh and the common tools become busybox for this run only.
    const tools = 'awk sed grep tr cut sort head tail stat readlink dirname basename wc du find ls cat timeout id'.split(' ');
    const setup = `mount --bind "$(command -v busybox)" /bin/sh && mount -t tmpfs none /usr/local/bin && for t in ${tools.join(' ')}; do ln -s "$(command -v busybox)" /usr/local/bin/$t; done`;
    const r = spawnSync('unshare', ['-m', '/bin/sh', '-c', `${setup} && exec /bin/sh -c '${probeCommand({ sudo: false })}'`], {
      input: buildProbeScript(SECTIONS), encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 * 1024 * 1024,
    });
    const bb = parse(r.stdout);
    const pick = (i: Inventory) => ({
      nginx: i.webServers.nginx?.servers.filter((s) => s.file === nginx.configFile),
      tls: i.tls.certificates.find((c) => c.path === cert),
      app: i.apps.find((a) => a.dir === app.appDir),
      pg: i.databases.postgres.find((x) => x.port === pg.port),
      maria: i.databases.mysql.find((x) => x.port === maria.port),
      redis: i.caches.redis.find((x) => x.port === redis.port)?.keyspace,
      memcached: i.caches.memcached.find((x) => x.port === memcached.port)?.items,
    });
    const mine = pick(bb);
    const theirs = pick(inv);
    // Sizes move as the servers run; everything else must match.
    for (const i of [mine, theirs]) {
      for (const d of [...(i.pg?.databases ?? []), ...(i.maria?.schemas ?? [])]) d.sizeBytes = 0;
      for (const w of i.app?.writableDirs ?? []) w.sizeBytes = 0;
      if (i.app) i.app.sizeBytes = 0;
    }
    expect(mine).toEqual(theirs);
  });
});

describe.skipIf(!isRoot)('a PM2 app as users run it (live)', () => {
  const sections = [processesSection, pm2Section, appsSection];
  let root: string;
  let box: BoxApp;
  let found: Inventory;
  let raw: string;

  beforeAll(async () => {
    root = await serviceDir('skylift-pm2-');
    box = await startBoxApp(root);
    const deadline = Date.now() + 30_000;
    while (await connectOnce(box.port).then(() => false, () => Date.now() < deadline)) await new Promise((r) => setTimeout(r, 100));
    raw = await runProbe(sections);
    found = parseProbeOutput(raw, { label: 'local', transport: 'local', collectedAt: new Date().toISOString(), durationMs: null }, sections);
  });

  afterAll(async () => {
    await box?.stop();
    if (root) spawnSync('rm', ['-rf', root]);
  });

  it('finds it through its environ (pm_cwd, name), with env names from .env and the one-line ecosystem env', () => {
    const a = found.apps.find((x) => x.dir === box.dir)!;
    expect(a).toMatchObject({ name: box.name, ecosystemFile: join(box.dir, 'ecosystem.config.js'), ports: [box.port] });
    expect(a.foundBy).toContain('pm2');
    expect(a.packageJson?.dependencies).toHaveProperty('socket.io');
    expect(a.flags).toMatchObject({ socketio: true, postgres: true, redis: true, express: true, uploads: true });
    expect(a.writableDirs).toEqual([{ path: join(box.dir, 'uploads'), sizeBytes: expect.any(Number), files: 1 }]);
    const names = (source: string) => a.envNames.filter((e) => e.source === source).map((e) => [e.name, e.secret]);
    expect(names(join(box.dir, '.env'))).toEqual([['NODE_ENV', false], ['DATABASE_PASSWORD', true], ['JWT_SECRET', true], ['REDIS_HOST', false]]);
    expect(names(join(box.dir, 'ecosystem.config.js'))).toEqual([['PORT', false], ['STRIPE_API_KEY', true], ['NODE_ENV', false]]);
  });

  it('reads git from the .git files, the remote token masked, and lets no secret out', () => {
    const a = found.apps.find((x) => x.dir === box.dir)!;
    expect(a.git).toEqual({ remote: 'https://***@git.example.com/acme/api.git', commit: expect.stringMatching(/^[0-9a-f]{40}$/), branch: 'main' });
    const appsRaw = splitProbeOutput(raw).sections.get('apps')?.text ?? '';
    for (const secret of box.secrets) {
      expect(appsRaw).not.toContain(secret);
      expect(JSON.stringify(found)).not.toContain(secret);
    }
  });
});

describe.skipIf(!isRoot || !has('perl'))('the perl line sender (the fallback when redis-cli is missing)', () => {
  let r: RunningService;
  beforeAll(async () => {
    r = await startRedis();
  });
  afterAll(async () => r?.stop());

  it('asks a real Redis for INFO and prints the whole reply', () => {
    const out = spawnSync('/bin/sh', ['-c', `${PRELUDE}\n${SH_SEND}\nsky_send 127.0.0.1 ${r.port} 'INFO server\\r\\nQUIT\\r\\n'`], { encoding: 'utf8' }).stdout;
    expect(out).toMatch(/^\$\d+\r\n# Server\r\n/);
    expect(out).toContain(`tcp_port:${r.port}`);
    expect(out.trimEnd().endsWith('+OK')).toBe(true);
  });

  it('fails, printing nothing, when nothing listens', async () => {
    const port = await freePort();
    const res = spawnSync('/bin/sh', ['-c', `${PRELUDE}\n${SH_SEND}\nsky_send 127.0.0.1 ${port} 'PING\\r\\n'`], { encoding: 'utf8' });
    expect(res.stdout).toBe('');
    expect(res.status).not.toBe(0);
  });
});
