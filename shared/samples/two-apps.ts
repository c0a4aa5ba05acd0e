/**
 * Two apps on one Hetzner box (Ubuntu 22.04, 2 vCPU / 4 GB): a Nuxt front end on :3000 serving
 * example.com and www, and an Express + Socket.IO API on :4000 with @socket.io/redis-adapter,
 * PostgreSQL 14 and Redis 7 used only for pub/sub, both under PM2.
 */

import type { Inventory } from '../schema/inventory.js';
import { baseUnits, envNames, flags, GB, letsencrypt, listener, location, MB, nginxServer, probe, ufw, unit } from './parts.js';

export const twoApps: Inventory = {
  schemaVersion: 1,
  target: { label: 'ubuntu@198.51.100.80', transport: 'ssh' },
  collectedAt: '2026-11-24T11:05:00.000Z',
  probe: probe('ubuntu', 'sudo', 2480, { apache: 'absent', mysql: 'absent', memcached: 'absent' }),
  host: {
    hostname: 'web-and-api',
    provider: { name: 'other', evidence: ['/sys/class/dmi/id/sys_vendor: Hetzner'] },
    os: { id: 'ubuntu', name: 'Ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.5 LTS' },
    kernel: '5.15.0-126-generic',
    arch: 'x86_64',
    cpus: 2,
    memoryBytes: 4020535296,
    swapBytes: 0,
    loadAverage: [0.3, 0.4, 0.35],
    uptimeSeconds: 2592000,
    timezone: 'Etc/UTC',
    mounts: [{ device: '/dev/sda1', mountpoint: '/', fstype: 'ext4', sizeBytes: 40 * GB, usedBytes: 11 * GB }],
  },
  runtimes: {
    node: [{ version: 'v20.18.0', path: '/usr/bin/node', manager: 'system' }],
    tools: [
      { name: 'npm', version: '10.8.2', path: '/usr/bin/npm' },
      { name: 'pm2', version: '5.4.2', path: '/usr/bin/pm2' },
    ],
    pm2: {
      apps: [
        { name: 'web', user: 'ubuntu', pid: 3101, status: 'online', cwd: '/var/www/web', script: '/var/www/web/.output/server/index.mjs', execMode: 'fork_mode', instances: 1, source: 'process', envNames: ['NODE_ENV', 'PORT'] },
        { name: 'api', user: 'ubuntu', pid: 3102, status: 'online', cwd: '/var/www/api', script: '/var/www/api/src/index.js', execMode: 'fork_mode', instances: 1, source: 'process', envNames: ['NODE_ENV', 'PORT'] },
      ],
    },
    docker: null,
  },
  processes: [
    { pid: 3101, ppid: 3000, user: 'ubuntu', command: 'node /var/www/web/.output/server/index.mjs', cwd: '/var/www/web' },
    { pid: 3102, ppid: 3000, user: 'ubuntu', command: 'node /var/www/api/src/index.js', cwd: '/var/www/api' },
    { pid: 1200, ppid: 1, user: 'postgres', command: '/usr/lib/postgresql/14/bin/postgres -D /var/lib/postgresql/14/main', cwd: '/var/lib/postgresql/14/main' },
    { pid: 1250, ppid: 1, user: 'redis', command: '/usr/bin/redis-server 127.0.0.1:6379', cwd: '/var/lib/redis' },
  ],
  listeners: [
    listener('tcp', '0.0.0.0', 22, 'sshd', 720),
    listener('tcp', '0.0.0.0', 80, 'nginx', 950),
    listener('tcp', '0.0.0.0', 443, 'nginx', 950),
    listener('tcp', '127.0.0.1', 3000, 'node', 3101),
    listener('tcp', '127.0.0.1', 4000, 'node', 3102),
    listener('tcp', '127.0.0.1', 5432, 'postgres', 1200),
    listener('tcp', '127.0.0.1', 6379, 'redis-server', 1250),
  ],
  services: {
    init: 'systemd',
    units: [
      ...baseUnits(),
      unit('nginx.service', 'A high performance web server and a reverse proxy server'),
      unit('postgresql@14-main.service', 'PostgreSQL Cluster 14-main'),
      unit('redis-server.service', 'Advanced key-value store'),
      unit('pm2-ubuntu.service', 'PM2 process manager', { user: 'ubuntu', subState: 'exited' }),
    ],
    timers: [],
  },
  webServers: {
    nginx: {
      version: '1.18.0',
      configFile: '/etc/nginx/nginx.conf',
      configRead: true,
      clientMaxBodySize: null,
      upstreams: [],
      servers: [
        nginxServer('/etc/nginx/sites-enabled/web', ['example.com', 'www.example.com'], 443, [
          location('/', { proxyPass: 'http://127.0.0.1:3000' }),
          location('/_nuxt/', { alias: '/var/www/web/.output/public/_nuxt/' }),
        ]),
        nginxServer('/etc/nginx/sites-enabled/api', ['api.example.com'], 443, [
          location('/', { proxyPass: 'http://127.0.0.1:4000' }),
          location('/socket.io/', { proxyPass: 'http://127.0.0.1:4000', websocketUpgrade: true, proxyReadTimeoutSeconds: 3600, proxySendTimeoutSeconds: 3600 }),
        ]),
        nginxServer('/etc/nginx/sites-enabled/default', ['_'], 80, [], { redirectsToHttps: true }),
      ],
    },
    apache: null,
  },
  tls: {
    certificates: [
      letsencrypt(['example.com', 'www.example.com'], '2026-10-01T00:00:00Z', '2026-12-30T23:59:59Z'),
      letsencrypt(['api.example.com'], '2026-10-01T00:00:00Z', '2026-12-30T23:59:59Z'),
    ],
  },
  apps: [
    {
      name: 'web',
      dir: '/var/www/web',
      foundBy: ['pm2', 'nginx'],
      packageJson: { name: 'web', version: '1.0.0', enginesNode: '>=18', startScript: 'node .output/server/index.mjs', main: null, dependencies: { nuxt: '^3.14.0', vue: '^3.5.12' } },
      flags: flags({}),
      procfile: null,
      ecosystemFile: null,
      git: { remote: 'https://github.com/example/web.git', commit: '1111111111111111111111111111111111111111', branch: 'main' },
      sizeBytes: 220 * MB,
      writableDirs: [],
      envNames: envNames('/var/www/web/.env', ['NODE_ENV', 'PORT', 'NUXT_PUBLIC_API_BASE'], []),
      ports: [3000],
    },
    {
      name: 'api',
      dir: '/var/www/api',
      foundBy: ['pm2', 'nginx'],
      packageJson: {
        name: 'api',
        version: '2.3.0',
        enginesNode: '>=20',
        startScript: 'node src/index.js',
        main: 'src/index.js',
        dependencies: { express: '^4.21.1', 'socket.io': '^4.8.1', '@socket.io/redis-adapter': '^8.3.0', redis: '^4.7.0', pg: '^8.13.1' },
      },
      flags: flags({ socketio: true, socketioRedisAdapter: true, redis: true, postgres: true, express: true }),
      procfile: null,
      ecosystemFile: null,
      git: { remote: 'https://github.com/example/api.git', commit: '2222222222222222222222222222222222222222', branch: 'main' },
      sizeBytes: 64 * MB,
      writableDirs: [],
      envNames: envNames('/var/www/api/.env', ['NODE_ENV', 'PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET'], ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']),
      ports: [4000],
    },
  ],
  databases: {
    postgres: [
      {
        version: '14.13',
        port: 5432,
        dataDir: '/var/lib/postgresql/14/main',
        pid: 1200,
        listenAddresses: 'localhost',
        walLevel: 'replica',
        maxConnections: 100,
        databases: [
          { name: 'postgres', owner: 'postgres', sizeBytes: 8.4 * MB, extensions: [{ name: 'plpgsql', version: '1.0' }] },
          { name: 'app', owner: 'app', sizeBytes: 610 * MB, extensions: [{ name: 'plpgsql', version: '1.0' }, { name: 'citext', version: '1.6' }] },
        ],
        unreadable: null,
      },
    ],
    mysql: [],
  },
  caches: {
    redis: [
      {
        version: '7.0.15',
        port: 6379,
        pid: 1250,
        usedMemoryBytes: 2.1 * MB,
        maxmemoryBytes: 256 * 1024 * 1024,
        maxmemoryPolicy: 'allkeys-lru',
        keyspace: [{ db: 0, keys: 3, expires: 3 }],
        persistence: { rdb: true, aof: false },
        unreadable: null,
      },
    ],
    memcached: [],
  },
  cron: [{ source: 'user-crontab', file: '/var/spool/cron/crontabs/ubuntu', user: 'ubuntu', schedule: '0 3 * * *', command: 'cd /var/www/api && npm run --silent purge-expired' }],
  firewall: ufw(['22/tcp', '80/tcp', '443/tcp']),
  notRead: [],
};

