/**
 * An old Linode (Ubuntu 20.04, 1 vCPU / 2 GB): a Node.js 12 (nvm) Express app under PM2 that
 * stores 14 GB of user uploads on local disk, MariaDB 10.3, Memcached, and a crontab full of
 * jobs — app scripts, a localhost curl, a mysqldump backup, a temp cleanup, an @reboot warmer.
 */

import type { Inventory } from '../schema/inventory.js';
import { baseUnits, envNames, flags, GB, letsencrypt, listener, location, MB, nginxServer, probe, unit } from './parts.js';

const DIR = '/var/www/legacy';
const NODE = '/root/.nvm/versions/node/v12.22.12/bin/node';
const CRONTAB = '/var/spool/cron/crontabs/root';

export const node12UploadsCrons: Inventory = {
  schemaVersion: 1,
  target: { label: 'root@192.0.2.200', transport: 'ssh' },
  collectedAt: '2026-11-25T07:50:00.000Z',
  probe: probe('root', 'root', 2780, { apache: 'absent', postgres: 'absent', redis: 'absent' }),
  host: {
    hostname: 'legacy',
    provider: { name: 'linode', evidence: ['/sys/class/dmi/id/sys_vendor: Linode'] },
    os: { id: 'ubuntu', name: 'Ubuntu', versionId: '20.04', prettyName: 'Ubuntu 20.04.6 LTS' },
    kernel: '5.4.0-200-generic',
    arch: 'x86_64',
    cpus: 1,
    memoryBytes: 2045247488,
    swapBytes: 536870912,
    loadAverage: [0.25, 0.3, 0.28],
    uptimeSeconds: 15552000,
    timezone: 'Etc/UTC',
    mounts: [{ device: '/dev/sda', mountpoint: '/', fstype: 'ext4', sizeBytes: 50 * GB, usedBytes: 27 * GB }],
  },
  runtimes: {
    node: [{ version: 'v12.22.12', path: NODE, manager: 'nvm' }],
    tools: [
      { name: 'npm', version: '6.14.16', path: '/root/.nvm/versions/node/v12.22.12/bin/npm' },
      { name: 'pm2', version: '4.5.6', path: '/root/.nvm/versions/node/v12.22.12/bin/pm2' },
    ],
    pm2: {
      apps: [{ name: 'legacy', user: 'root', pid: 1801, status: 'online', cwd: DIR, script: `${DIR}/index.js`, execMode: 'fork_mode', instances: 1, source: 'process', envNames: ['NODE_ENV'] }],
    },
    docker: null,
  },
  processes: [
    { pid: 1801, ppid: 1790, user: 'root', command: `${NODE} ${DIR}/index.js`, cwd: DIR },
    { pid: 1020, ppid: 1, user: 'mysql', command: '/usr/sbin/mysqld', cwd: '/var/lib/mysql' },
    { pid: 1060, ppid: 1, user: 'memcache', command: '/usr/bin/memcached -m 64 -p 11211 -u memcache -l 127.0.0.1', cwd: '/' },
  ],
  listeners: [
    listener('tcp', '0.0.0.0', 22, 'sshd', 650),
    listener('tcp', '0.0.0.0', 80, 'nginx', 940),
    listener('tcp', '0.0.0.0', 443, 'nginx', 940),
    listener('tcp', '127.0.0.1', 3000, 'node', 1801),
    listener('tcp', '127.0.0.1', 3306, 'mysqld', 1020),
    listener('tcp', '127.0.0.1', 11211, 'memcached', 1060),
  ],
  services: {
    init: 'systemd',
    units: [
      ...baseUnits(),
      unit('nginx.service', 'A high performance web server and a reverse proxy server'),
      unit('mariadb.service', 'MariaDB 10.3.39 database server'),
      unit('memcached.service', 'memcached daemon'),
      unit('pm2-root.service', 'PM2 process manager', { user: 'root', subState: 'exited' }),
    ],
    timers: [],
  },
  webServers: {
    nginx: {
      version: '1.18.0',
      configFile: '/etc/nginx/nginx.conf',
      configRead: true,
      clientMaxBodySize: '50m',
      upstreams: [],
      servers: [
        nginxServer('/etc/nginx/sites-enabled/legacy', ['legacy.example.org'], 443, [
          location('/', { proxyPass: 'http://127.0.0.1:3000' }),
          location('/uploads/', { alias: `${DIR}/uploads/` }),
        ]),
        nginxServer('/etc/nginx/sites-enabled/legacy', ['legacy.example.org'], 80, [], { redirectsToHttps: true }),
      ],
    },
    apache: null,
  },
  tls: { certificates: [letsencrypt(['legacy.example.org'], '2026-09-10T04:00:00Z', '2026-12-09T03:59:59Z')] },
  apps: [
    {
      name: 'legacy',
      dir: DIR,
      foundBy: ['pm2', 'nginx'],
      packageJson: { name: 'legacy-portal', version: '0.9.14', enginesNode: null, startScript: 'node index.js', main: 'index.js', dependencies: { express: '^4.17.1', multer: '^1.4.2', mysql: '^2.18.1', memjs: '^1.2.2' } },
      flags: flags({ express: true, mysql: true, memcached: true, uploads: true }),
      procfile: null,
      ecosystemFile: null,
      git: null,
      sizeBytes: 180 * MB,
      writableDirs: [
        { path: `${DIR}/uploads`, sizeBytes: 14.2 * GB, files: 52310 },
        { path: `${DIR}/tmp`, sizeBytes: 120 * MB, files: 840 },
      ],
      envNames: envNames(`${DIR}/.env`, ['NODE_ENV', 'DB_HOST', 'DB_USER', 'DB_PASS', 'DB_NAME', 'MEMCACHED_SERVERS', 'MAIL_API_KEY'], ['DB_PASS', 'MAIL_API_KEY']),
      ports: [3000],
    },
  ],
  databases: {
    postgres: [],
    mysql: [
      {
        flavor: 'mariadb',
        version: '10.3.39-MariaDB-0ubuntu0.20.04.2',
        port: 3306,
        socket: '/run/mysqld/mysqld.sock',
        dataDir: '/var/lib/mysql/',
        pid: 1020,
        binlog: { enabled: false, format: null },
        serverId: 1,
        maxConnections: 151,
        sqlMode: 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',
        schemas: [
          { name: 'legacy', sizeBytes: 3.2 * GB, tables: 60, engines: { InnoDB: 58, MyISAM: 2 } },
          { name: 'mysql', sizeBytes: 1.9 * MB, tables: 31, engines: { MyISAM: 23, Aria: 8 } },
        ],
        unreadable: null,
      },
    ],
  },
  caches: {
    redis: [],
    memcached: [{ version: '1.5.22', port: 11211, pid: 1060, limitBytes: 64 * 1024 * 1024, items: 5012, unreadable: null }],
  },
  cron: [
    { source: 'user-crontab', file: CRONTAB, user: 'root', schedule: '0 7 * * *', command: `${NODE} ${DIR}/scripts/send-digest.js` },
    { source: 'user-crontab', file: CRONTAB, user: 'root', schedule: '*/10 * * * *', command: 'curl -s http://localhost:3000/tasks/expire-sessions?token=***' },
    { source: 'user-crontab', file: CRONTAB, user: 'root', schedule: '0 3 * * *', command: 'mysqldump -uroot -p*** legacy | gzip > /backups/legacy-$(date +\\%F).sql.gz' },
    { source: 'user-crontab', file: CRONTAB, user: 'root', schedule: '30 4 * * *', command: `find ${DIR}/tmp -type f -mtime +1 -delete` },
    { source: 'user-crontab', file: CRONTAB, user: 'root', schedule: '@reboot', command: `cd ${DIR} && ${NODE} scripts/warm-cache.js` },
    { source: 'cron.d', file: '/etc/cron.d/certbot', user: 'root', schedule: '0 */12 * * *', command: 'test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e \'sleep int(rand(43200))\' && certbot -q renew' },
  ],
  firewall: { tool: 'iptables', active: true, openPorts: null, rules: ['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT'] },
  notRead: [{ what: 'MariaDB table sizes for schema legacy_archive', reason: 'SELECT on information_schema.TABLES was denied for the probe user' }],
};
