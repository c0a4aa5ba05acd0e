/**
 * A DigitalOcean Node.js 1-Click droplet (Ubuntu 24.04, 1 vCPU / 1 GB): PM2 as user `nodejs`,
 * nginx proxying :443 to localhost:3000 with WebSocket upgrade headers, a Socket.IO chat app
 * without a Redis adapter, Certbot and UFW.
 */

import type { Inventory } from '../schema/inventory.js';
import { baseUnits, envNames, flags, GB, letsencrypt, listener, location, MB, nginxServer, probe, ufw, unit } from './parts.js';

export const doOneClickSocketio: Inventory = {
  schemaVersion: 1,
  target: { label: 'root@203.0.113.10', transport: 'ssh' },
  collectedAt: '2026-11-20T10:15:00.000Z',
  probe: probe('root', 'root', 1840, { apache: 'absent', postgres: 'absent', mysql: 'absent', redis: 'absent', memcached: 'absent' }),
  host: {
    hostname: 'chat-prod-01',
    provider: { name: 'digitalocean', evidence: ['/sys/class/dmi/id/sys_vendor: DigitalOcean', '/var/lib/cloud/instance/datasource: DataSourceDigitalOcean'] },
    os: { id: 'ubuntu', name: 'Ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' },
    kernel: '6.8.0-49-generic',
    arch: 'x86_64',
    cpus: 1,
    memoryBytes: 1007681536,
    swapBytes: 0,
    loadAverage: [0.08, 0.11, 0.09],
    uptimeSeconds: 3456000,
    timezone: 'Etc/UTC',
    mounts: [{ device: '/dev/vda1', mountpoint: '/', fstype: 'ext4', sizeBytes: 25 * GB, usedBytes: 6 * GB }],
  },
  runtimes: {
    node: [{ version: 'v22.11.0', path: '/usr/bin/node', manager: 'system' }],
    tools: [
      { name: 'npm', version: '10.9.0', path: '/usr/bin/npm' },
      { name: 'pm2', version: '5.4.2', path: '/usr/bin/pm2' },
    ],
    pm2: {
      apps: [{ name: 'chat', user: 'nodejs', pid: 1234, status: 'online', cwd: '/home/nodejs/chat', script: '/home/nodejs/chat/server.js', execMode: 'fork_mode', instances: 1, source: 'process', envNames: ['NODE_ENV', 'PORT'] }],
    },
    docker: null,
  },
  processes: [
    { pid: 1201, ppid: 1, user: 'nodejs', command: 'PM2 v5.4.2: God Daemon (/home/nodejs/.pm2)', cwd: '/home/nodejs' },
    { pid: 1234, ppid: 1201, user: 'nodejs', command: 'node /home/nodejs/chat/server.js', cwd: '/home/nodejs/chat' },
    { pid: 880, ppid: 1, user: 'root', command: 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;', cwd: '/' },
    { pid: 702, ppid: 1, user: 'root', command: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', cwd: '/' },
  ],
  listeners: [
    listener('tcp', '0.0.0.0', 22, 'sshd', 702),
    listener('tcp', '0.0.0.0', 80, 'nginx', 880),
    listener('tcp', '0.0.0.0', 443, 'nginx', 880),
    listener('tcp', '*', 3000, 'node', 1234),
    listener('udp', '127.0.0.53', 53, 'systemd-resolve', 512),
  ],
  services: {
    init: 'systemd',
    units: [
      ...baseUnits(),
      unit('nginx.service', 'A high performance web server and a reverse proxy server', { execStart: '/usr/sbin/nginx -g daemon on; master_process on;' }),
      unit('pm2-nodejs.service', 'PM2 process manager', { execStart: '/usr/lib/node_modules/pm2/bin/pm2 resurrect', user: 'nodejs', subState: 'exited' }),
      unit('ufw.service', 'Uncomplicated firewall', { subState: 'exited' }),
    ],
    timers: [],
  },
  webServers: {
    nginx: {
      version: '1.24.0',
      configFile: '/etc/nginx/nginx.conf',
      configRead: true,
      clientMaxBodySize: null,
      upstreams: [],
      servers: [
        nginxServer('/etc/nginx/sites-enabled/default', ['chat.example.com'], 443, [location('/', { proxyPass: 'http://localhost:3000', websocketUpgrade: true })]),
        nginxServer('/etc/nginx/sites-enabled/default', ['chat.example.com'], 80, [], { redirectsToHttps: true }),
      ],
    },
    apache: null,
  },
  tls: { certificates: [letsencrypt(['chat.example.com'], '2026-10-02T08:11:00Z', '2026-12-31T08:10:59Z')] },
  apps: [
    {
      name: 'chat',
      dir: '/home/nodejs/chat',
      foundBy: ['pm2', 'nginx'],
      packageJson: {
        name: 'chat',
        version: '1.4.2',
        enginesNode: '>=20',
        startScript: 'node server.js',
        main: 'server.js',
        dependencies: { express: '^4.21.1', 'socket.io': '^4.8.1', dotenv: '^16.4.5' },
      },
      flags: flags({ socketio: true, express: true }),
      procfile: null,
      ecosystemFile: null,
      git: { remote: 'https://github.com/example/chat.git', commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', branch: 'main' },
      sizeBytes: 48 * MB,
      writableDirs: [],
      envNames: envNames('/home/nodejs/chat/.env', ['NODE_ENV', 'PORT', 'SESSION_SECRET', 'CORS_ORIGIN'], ['SESSION_SECRET']),
      ports: [3000],
    },
  ],
  databases: { postgres: [], mysql: [] },
  caches: { redis: [], memcached: [] },
  cron: [
    {
      source: 'cron.d',
      file: '/etc/cron.d/certbot',
      user: 'root',
      schedule: '0 */12 * * *',
      command: "test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e 'sleep int(rand(43200))' && certbot -q renew",
    },
  ],
  firewall: ufw(['22/tcp', '80/tcp', '443/tcp']),
  notRead: [],
};
