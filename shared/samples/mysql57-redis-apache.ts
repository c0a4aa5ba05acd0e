/**
 * A hand-built Ubuntu 18.04 droplet (2 vCPU / 4 GB, New York time): an Express + ws API on
 * Node.js 16 (nvm) under PM2 in cluster mode, Apache with mod_proxy_wstunnel in front, MySQL 5.7
 * with a few MyISAM tables and no binary log, Redis 4 holding sessions, two app crons.
 */

import type { Inventory } from '../schema/inventory.js';
import { baseUnits, envNames, flags, GB, letsencrypt, listener, MB, probe, ufw, unit } from './parts.js';

const DIR = '/home/deploy/api/current';
const NODE = '/home/deploy/.nvm/versions/node/v16.20.2/bin/node';

export const mysql57RedisApache: Inventory = {
  schemaVersion: 1,
  target: { label: 'deploy@192.0.2.45', transport: 'ssh' },
  collectedAt: '2026-11-22T16:40:00.000Z',
  probe: probe('deploy', 'sudo', 2950, { nginx: 'absent', postgres: 'absent', memcached: 'absent' }),
  host: {
    hostname: 'api-1',
    provider: { name: 'digitalocean', evidence: ['/sys/class/dmi/id/sys_vendor: DigitalOcean'] },
    os: { id: 'ubuntu', name: 'Ubuntu', versionId: '18.04', prettyName: 'Ubuntu 18.04.6 LTS' },
    kernel: '4.15.0-213-generic',
    arch: 'x86_64',
    cpus: 2,
    memoryBytes: 4127195136,
    swapBytes: 0,
    loadAverage: [0.9, 0.85, 0.7],
    uptimeSeconds: 31536000,
    timezone: 'America/New_York',
    mounts: [{ device: '/dev/vda1', mountpoint: '/', fstype: 'ext4', sizeBytes: 80 * GB, usedBytes: 31 * GB }],
  },
  runtimes: {
    node: [{ version: 'v16.20.2', path: NODE, manager: 'nvm' }],
    tools: [
      { name: 'npm', version: '8.19.4', path: '/home/deploy/.nvm/versions/node/v16.20.2/bin/npm' },
      { name: 'pm2', version: '5.3.0', path: '/home/deploy/.nvm/versions/node/v16.20.2/bin/pm2' },
    ],
    pm2: {
      apps: [{ name: 'api', user: 'deploy', pid: 2210, status: 'online', cwd: DIR, script: `${DIR}/dist/index.js`, execMode: 'cluster_mode', instances: 2, source: 'process', envNames: ['NODE_ENV', 'PORT'] }],
    },
    docker: null,
  },
  processes: [
    { pid: 2200, ppid: 1, user: 'deploy', command: 'PM2 v5.3.0: God Daemon (/home/deploy/.pm2)', cwd: '/home/deploy' },
    { pid: 2210, ppid: 2200, user: 'deploy', command: `${NODE} ${DIR}/dist/index.js`, cwd: DIR },
    { pid: 1102, ppid: 1, user: 'mysql', command: '/usr/sbin/mysqld --daemonize --pid-file=/run/mysqld/mysqld.pid', cwd: '/var/lib/mysql' },
    { pid: 1150, ppid: 1, user: 'redis', command: '/usr/bin/redis-server 127.0.0.1:6379', cwd: '/var/lib/redis' },
    { pid: 1003, ppid: 1, user: 'root', command: '/usr/sbin/apache2 -k start', cwd: '/' },
  ],
  listeners: [
    listener('tcp', '0.0.0.0', 22, 'sshd', 801),
    listener('tcp', '*', 80, 'apache2', 1003),
    listener('tcp', '*', 443, 'apache2', 1003),
    listener('tcp', '*', 8080, 'node', 2210),
    listener('tcp', '127.0.0.1', 3306, 'mysqld', 1102),
    listener('tcp', '127.0.0.1', 6379, 'redis-server', 1150),
  ],
  services: {
    init: 'systemd',
    units: [
      ...baseUnits(),
      unit('apache2.service', 'The Apache HTTP Server'),
      unit('mysql.service', 'MySQL Community Server'),
      unit('redis-server.service', 'Advanced key-value store'),
      unit('pm2-deploy.service', 'PM2 process manager', { user: 'deploy', subState: 'exited', execStart: '/home/deploy/.nvm/versions/node/v16.20.2/lib/node_modules/pm2/bin/pm2 resurrect' }),
    ],
    timers: [],
  },
  webServers: {
    nginx: null,
    apache: {
      version: '2.4.29',
      modules: ['proxy', 'proxy_http', 'proxy_wstunnel', 'ssl', 'rewrite', 'headers'],
      wstunnelLoaded: true,
      vhosts: [
        {
          file: '/etc/apache2/sites-enabled/api-le-ssl.conf',
          serverName: 'api.example.net',
          serverAliases: [],
          port: 443,
          ssl: true,
          sslCertificateFile: '/etc/letsencrypt/live/api.example.net/fullchain.pem',
          documentRoot: null,
          proxyPass: [
            { path: '/ws', target: 'ws://localhost:8080/ws' },
            { path: '/', target: 'http://localhost:8080/' },
          ],
          websocketProxy: true,
        },
        { file: '/etc/apache2/sites-enabled/api.conf', serverName: 'api.example.net', serverAliases: [], port: 80, ssl: false, sslCertificateFile: null, documentRoot: '/var/www/html', proxyPass: [], websocketProxy: false },
      ],
    },
  },
  tls: { certificates: [letsencrypt(['api.example.net'], '2026-10-15T11:00:00Z', '2027-01-13T10:59:59Z')] },
  apps: [
    {
      name: 'api',
      dir: DIR,
      foundBy: ['pm2', 'process'],
      packageJson: {
        name: 'acme-api',
        version: '3.2.1',
        enginesNode: '16.x',
        startScript: 'node dist/index.js',
        main: 'dist/index.js',
        dependencies: { express: '^4.18.2', ws: '^8.13.0', mysql: '^2.18.1', ioredis: '^5.3.2', 'express-session': '^1.17.3', 'connect-redis': '^7.1.0' },
      },
      flags: flags({ ws: true, express: true, mysql: true, redis: true }),
      procfile: null,
      ecosystemFile: '/home/deploy/api/current/ecosystem.config.js',
      git: { remote: 'git@github.com:acme/api.git', commit: '0f9e8d7c6b5a49382716059483726150f4e3d2c1', branch: 'production' },
      sizeBytes: 310 * MB,
      writableDirs: [],
      envNames: envNames(`${DIR}/.env`, ['NODE_ENV', 'PORT', 'DB_HOST', 'DB_USER', 'DB_PASSWORD', 'DB_NAME', 'REDIS_URL', 'SESSION_SECRET'], ['DB_PASSWORD', 'REDIS_URL', 'SESSION_SECRET']),
      ports: [8080],
    },
  ],
  databases: {
    postgres: [],
    mysql: [
      {
        flavor: 'mysql',
        version: '5.7.42',
        port: 3306,
        socket: '/var/run/mysqld/mysqld.sock',
        dataDir: '/var/lib/mysql/',
        pid: 1102,
        binlog: { enabled: false, format: null },
        serverId: 0,
        maxConnections: 151,
        sqlMode: 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',
        schemas: [
          { name: 'acme', sizeBytes: 1.8 * GB, tables: 42, engines: { InnoDB: 39, MyISAM: 3 } },
          { name: 'mysql', sizeBytes: 2.4 * MB, tables: 31, engines: { InnoDB: 4, MyISAM: 27 } },
          { name: 'sys', sizeBytes: 16 * 1024, tables: 1, engines: { InnoDB: 1 } },
        ],
        unreadable: null,
      },
    ],
  },
  caches: {
    redis: [
      {
        version: '4.0.9',
        port: 6379,
        pid: 1150,
        usedMemoryBytes: 121 * MB,
        maxmemoryBytes: 0,
        maxmemoryPolicy: 'noeviction',
        keyspace: [{ db: 0, keys: 12840, expires: 11200 }],
        persistence: { rdb: true, aof: false },
        unreadable: null,
      },
    ],
    memcached: [],
  },
  cron: [
    { source: 'user-crontab', file: '/var/spool/cron/crontabs/deploy', user: 'deploy', schedule: '0 6 * * *', command: `cd ${DIR} && ${NODE} dist/jobs/daily-report.js >> /home/deploy/logs/report.log 2>&1` },
    { source: 'user-crontab', file: '/var/spool/cron/crontabs/deploy', user: 'deploy', schedule: '*/15 * * * *', command: 'curl -fsS http://localhost:8080/internal/cleanup-sessions > /dev/null' },
    { source: 'cron.periodic', file: '/etc/cron.daily/logrotate', user: 'root', schedule: '@daily', command: '/etc/cron.daily/logrotate' },
  ],
  firewall: ufw(['22/tcp', '80/tcp', '443/tcp']),
  notRead: [],
};
