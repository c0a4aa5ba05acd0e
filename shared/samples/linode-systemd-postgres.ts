/**
 * A Linode (Akamai) Marketplace Node.js box (Ubuntu 24.04, 2 vCPU / 4 GB): the app at
 * /var/www/<domain>/app.js under systemd unit node.service, PostgreSQL 16 on the same box,
 * nginx with Certbot for the apex and www, Fail2ban, a nightly pg_dump in root's crontab.
 */

import type { Inventory } from '../schema/inventory.js';
import { baseUnits, envNames, flags, GB, letsencrypt, listener, location, MB, nginxServer, probe, ufw, unit } from './parts.js';

const DIR = '/var/www/example-shop.com';

export const linodeSystemdPostgres: Inventory = {
  schemaVersion: 1,
  target: { label: 'root@198.51.100.23', transport: 'ssh' },
  collectedAt: '2026-11-21T14:02:00.000Z',
  probe: probe('root', 'root', 2310, { pm2: 'absent', apache: 'absent', mysql: 'absent', redis: 'absent', memcached: 'absent' }),
  host: {
    hostname: 'shop-li-01',
    provider: { name: 'linode', evidence: ['/sys/class/dmi/id/sys_vendor: Linode'] },
    os: { id: 'ubuntu', name: 'Ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' },
    kernel: '6.8.0-48-generic',
    arch: 'x86_64',
    cpus: 2,
    memoryBytes: 4012728320,
    swapBytes: 536870912,
    loadAverage: [0.35, 0.42, 0.38],
    uptimeSeconds: 8640000,
    timezone: 'Etc/UTC',
    mounts: [{ device: '/dev/sda', mountpoint: '/', fstype: 'ext4', sizeBytes: 80 * GB, usedBytes: 14 * GB }],
  },
  runtimes: {
    node: [{ version: 'v22.12.0', path: '/usr/bin/node', manager: 'system' }],
    tools: [{ name: 'npm', version: '10.9.0', path: '/usr/bin/npm' }],
    pm2: { apps: [] },
    docker: null,
  },
  processes: [
    { pid: 1410, ppid: 1, user: 'www-data', command: `/usr/bin/node ${DIR}/app.js`, cwd: DIR },
    { pid: 990, ppid: 1, user: 'postgres', command: '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -c config_file=/etc/postgresql/16/main/postgresql.conf', cwd: '/var/lib/postgresql/16/main' },
    { pid: 870, ppid: 1, user: 'root', command: 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;', cwd: '/' },
    { pid: 760, ppid: 1, user: 'root', command: '/usr/bin/python3 /usr/bin/fail2ban-server -xf start', cwd: '/' },
  ],
  listeners: [
    listener('tcp', '0.0.0.0', 22, 'sshd', 701),
    listener('tcp', '0.0.0.0', 80, 'nginx', 870),
    listener('tcp', '0.0.0.0', 443, 'nginx', 870),
    listener('tcp', '127.0.0.1', 3000, 'node', 1410),
    listener('tcp', '127.0.0.1', 5432, 'postgres', 990),
  ],
  services: {
    init: 'systemd',
    units: [
      ...baseUnits(),
      unit('node.service', 'Node.js app', { execStart: `/usr/bin/node ${DIR}/app.js`, workingDirectory: DIR, user: 'www-data', environmentFiles: [`${DIR}/.env`] }),
      unit('nginx.service', 'A high performance web server and a reverse proxy server'),
      unit('postgresql@16-main.service', 'PostgreSQL Cluster 16-main'),
      unit('fail2ban.service', 'Fail2Ban Service', { execStart: '/usr/bin/fail2ban-server -xf start' }),
      unit('certbot.service', 'Certbot', { activeState: 'inactive', subState: 'dead', execStart: '/usr/bin/certbot -q renew --no-random-sleep-on-renew' }),
    ],
    timers: [{ name: 'certbot.timer', unit: 'certbot.service', schedule: '*-*-* 00,12:00:00' }],
  },
  webServers: {
    nginx: {
      version: '1.24.0',
      configFile: '/etc/nginx/nginx.conf',
      configRead: true,
      clientMaxBodySize: null,
      upstreams: [],
      servers: [
        nginxServer(
          '/etc/nginx/sites-enabled/example-shop.com',
          ['example-shop.com', 'www.example-shop.com'],
          443,
          [location('/', { proxyPass: 'http://127.0.0.1:3000' }), location('/assets/', { alias: `${DIR}/public/assets/` })],
          { clientMaxBodySize: '10m' },
        ),
        nginxServer('/etc/nginx/sites-enabled/example-shop.com', ['example-shop.com', 'www.example-shop.com'], 80, [], { redirectsToHttps: true }),
      ],
    },
    apache: null,
  },
  tls: { certificates: [letsencrypt(['example-shop.com', 'www.example-shop.com'], '2026-09-30T02:00:00Z', '2026-12-29T01:59:59Z')] },
  apps: [
    {
      name: 'example-shop.com',
      dir: DIR,
      foundBy: ['systemd', 'nginx'],
      packageJson: { name: 'shop-api', version: '2.8.0', enginesNode: null, startScript: null, main: 'app.js', dependencies: { express: '^4.21.2', pg: '^8.13.1', helmet: '^8.0.0' } },
      flags: flags({ express: true, postgres: true }),
      procfile: null,
      ecosystemFile: null,
      git: null,
      sizeBytes: 92 * MB,
      writableDirs: [],
      envNames: envNames(`${DIR}/.env`, ['NODE_ENV', 'PORT', 'DATABASE_URL', 'JWT_SECRET', 'STRIPE_API_KEY', 'SMTP_HOST'], ['DATABASE_URL', 'JWT_SECRET', 'STRIPE_API_KEY']),
      ports: [3000],
    },
  ],
  databases: {
    postgres: [
      {
        version: '16.4',
        port: 5432,
        dataDir: '/var/lib/postgresql/16/main',
        pid: 990,
        listenAddresses: 'localhost',
        walLevel: 'replica',
        maxConnections: 100,
        databases: [
          { name: 'postgres', owner: 'postgres', sizeBytes: 7.5 * MB, extensions: [{ name: 'plpgsql', version: '1.0' }] },
          {
            name: 'shop',
            owner: 'shop',
            sizeBytes: 2.3 * GB,
            extensions: [
              { name: 'plpgsql', version: '1.0' },
              { name: 'pgcrypto', version: '1.3' },
              { name: 'uuid-ossp', version: '1.1' },
              { name: 'pg_trgm', version: '1.6' },
            ],
          },
        ],
        unreadable: null,
      },
    ],
    mysql: [],
  },
  caches: { redis: [], memcached: [] },
  cron: [{ source: 'user-crontab', file: '/var/spool/cron/crontabs/root', user: 'root', schedule: '30 2 * * *', command: 'pg_dump -Fc shop > /var/backups/shop-$(date +\\%F).dump' }],
  firewall: ufw(['22/tcp', '80/tcp', '443/tcp']),
  notRead: [],
};
