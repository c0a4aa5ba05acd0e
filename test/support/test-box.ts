/**
 * The source box the inventory tests read: this machine (CI runs as root on a throwaway one)
 * with real services in their usual shapes, each from a temp dir on a free loopback port —
 * nginx with a TLS site proxying WebSockets, a Node.js app, a Socket.IO app under PM2,
 * PostgreSQL with extensions, MariaDB with binlog and a MyISAM table, Redis with AOF,
 * memcached — plus the state a real box carries: a Let's Encrypt live dir, a crontab, secrets
 * in `.env`, an ecosystem file, a process argument, a crontab line and DigitalOcean's
 * password file. Everything is removed again by `stop()`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startBoxApp, type BoxApp } from './box-app.js';
import { freePort } from './free-port.js';
import { ensureTestUser } from './sshd.js';
import {
  connectOnce, makeSelfSignedCert, serviceDir, startMariadb, startMemcached, startNginx, startNodeApp, startPostgres, startRedis, tcpRequest,
  type MariadbService, type NginxService, type NodeAppService, type PostgresService, type RunningService,
} from './services.js';

const run = promisify(execFile);

const secret = (label: string): string => `SKYSECRET_${label}_${randomBytes(8).toString('hex')}`;

export interface TestBox {
  pg: PostgresService;
  maria: MariadbService;
  redis: RunningService;
  memcached: RunningService;
  nginx: NginxService;
  /** A Node.js app started from its directory (found through its process and nginx). */
  app: NodeAppService;
  /** The Socket.IO app under PM2 that nginx's TLS site proxies. */
  pm2App: BoxApp;
  httpPort: number;
  httpsPort: number;
  wsPort: number;
  /** The self-signed certificate nginx serves on httpsPort. */
  cert: string;
  letsEncrypt: { domain: string; cert: string };
  cronUser: string;
  secrets: Record<string, string>;
  /** Every secret value seeded anywhere on the box (services' passwords included). */
  allSecrets(): string[];
  stop(): Promise<void>;
}

const CRON_USER = 'skylift-cron';
const DO_PASSWORDS = '/root/.digitalocean_passwords';

async function letsEncryptDir(domain: string): Promise<{ dir: string; cert: string }> {
  const dir = join('/etc/letsencrypt/live', domain);
  await mkdir(dir, { recursive: true });
  const { cert, key } = await makeSelfSignedCert(dir, [domain, `www.${domain}`], 90);
  // certbot's layout: cert.pem, chain.pem, fullchain.pem, privkey.pem
  await copyFile(cert, join(dir, 'fullchain.pem'));
  await copyFile(key, join(dir, 'privkey.pem'));
  await rm(key);
  return { dir, cert: join(dir, 'fullchain.pem') };
}

export async function startTestBox(): Promise<TestBox> {
  const secrets = { db: secret('pw'), jwt: secret('jwt'), key: secret('key'), header: secret('hdr'), cron: secret('cron'), doPassword: secret('do') };
  const pm2Root = await serviceDir('skylift-pm2-');
  const [pg, maria, redis, memcached, app, pm2App] = await Promise.all([
    startPostgres(),
    startMariadb(),
    startRedis({ args: ['--appendonly', 'yes'] }),
    startMemcached({ memoryMb: 32 }),
    startNodeApp({
      files: {
        'package.json': JSON.stringify({
          name: 'chat-api', version: '2.3.1', main: 'server.js', engines: { node: '>=20' }, scripts: { start: 'node server.js' },
          dependencies: { 'socket.io': '^4.8.1', express: '^4.21.0', pg: '^8.13.0', ioredis: '^5.4.0', memjs: '^1.3.2' },
        }),
        'server.js': "require('http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');\n",
        '.env': `NODE_ENV=production\nDB_PASSWORD=${secrets.db}\nexport JWT_SECRET="${secrets.jwt}"\nPORT=3000\n`,
        '.env.production': `STRIPE_API_KEY='${secrets.key}'\n`,
        'public/uploads/avatar.png': 'png'.repeat(100),
      },
    }),
    startBoxApp(pm2Root),
  ]);
  await pg.query('create database shop');
  await pg.query('create extension pgcrypto', 'shop');
  await pg.query('create extension hstore', 'shop');
  await maria.sql(
    'create database shop; create table shop.orders (id int primary key, total decimal(10,2)) engine=InnoDB;' +
      'create table shop.legacy_log (line text) engine=MyISAM; insert into shop.orders values (1, 9.99), (2, 20.00);',
  );
  await tcpRequest(redis.port, 'SET a 1\r\nSET b 2\r\nSELECT 2\r\nSET c 3 EX 600\r\nQUIT\r\n');
  await tcpRequest(memcached.port, 'set k1 0 0 5\r\nhello\r\nset k2 0 0 5\r\nworld\r\nquit\r\n');
  const deadline = Date.now() + 30_000;
  while (await connectOnce(pm2App.port).then(() => false, () => Date.now() < deadline)) await new Promise((r) => setTimeout(r, 100));

  const domain = `${randomBytes(4).toString('hex')}.skylift-test.example`;
  const le = await letsEncryptDir(domain);
  await ensureTestUser(CRON_USER, secret('login'));
  const crontab = spawnSync('crontab', ['-u', CRON_USER, '-'], {
    input: `API_TOKEN=${secrets.cron}\n*/5 * * * * curl -fsS -H "Authorization: Bearer ${secrets.cron}" http://127.0.0.1:${pm2App.port}/health\n`,
  });
  if (crontab.status !== 0) throw new Error(`crontab -u ${CRON_USER}: ${crontab.stderr}`);
  const ownDoFile = !existsSync(DO_PASSWORDS);
  if (ownDoFile) await writeFile(DO_PASSWORDS, `root_mysql_pass="${secrets.doPassword}"\n`, { mode: 0o600 });

  const [httpPort, httpsPort, wsPort] = [await freePort(), await freePort(), await freePort()];
  const dir = await serviceDir('skylift-nginx-');
  const { cert } = await makeSelfSignedCert(dir, ['chat.example.test', 'www.chat.example.test']);
  const nginx = await startNginx({
    dir,
    waitFor: [httpPort, httpsPort, wsPort],
    http: `
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${httpPort} default_server;
    server_name chat.example.test;
    client_max_body_size 20m;
    location /socket.io/ {
      proxy_pass http://127.0.0.1:${app.port};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 1h;
    }
    location / { return 301 https://$host$request_uri; }
  }
  server {
    listen 127.0.0.1:${httpsPort} ssl;
    server_name chat.example.test www.chat.example.test;
    ssl_certificate ${cert};
    ssl_certificate_key ${join(dir, 'key.pem')};
    root ${join(app.appDir, 'public')};
    location / { proxy_pass http://127.0.0.1:${app.port}; proxy_set_header X-Api-Key "${secrets.header}"; }
  }
  server {
    listen 127.0.0.1:${wsPort} ssl;
    server_name ${domain};
    ssl_certificate ${le.cert};
    ssl_certificate_key ${join(le.dir, 'privkey.pem')};
    location / {
      proxy_pass http://127.0.0.1:${pm2App.port};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 600s;
    }
  }`,
  });

  return {
    pg, maria, redis, memcached, nginx, app, pm2App, httpPort, httpsPort, wsPort, cert,
    letsEncrypt: { domain, cert: le.cert },
    cronUser: CRON_USER,
    secrets,
    allSecrets: () => [...Object.values(secrets), ...pm2App.secrets, pg.password, maria.password],
    async stop() {
      await Promise.all([pg, maria, redis, memcached, nginx, app, pm2App].map((s) => s.stop()));
      await run('crontab', ['-u', CRON_USER, '-r']).catch(() => undefined);
      await rm(join('/etc/letsencrypt/live', domain), { recursive: true, force: true });
      if (ownDoFile) await rm(DO_PASSWORDS, { force: true });
      await rm(pm2Root, { recursive: true, force: true });
    },
  };
}
