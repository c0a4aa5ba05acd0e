/**
 * A Debian 12 droplet (4 vCPU / 8 GB, Berlin time) serving a maps API under systemd, with a
 * 38 GB PostgreSQL 15 database using PostGIS and TimescaleDB (which RDS does not offer), nginx
 * with long proxy timeouts and a tile cache directory served outside the app.
 */

import type { Inventory } from '../schema/inventory.js';
import { baseUnits, envNames, flags, GB, letsencrypt, listener, location, MB, nginxServer, probe, unit } from './parts.js';

const DIR = '/srv/maps-api';

export const postgis: Inventory = {
  schemaVersion: 1,
  target: { label: 'admin@203.0.113.77', transport: 'ssh' },
  collectedAt: '2026-11-23T09:30:00.000Z',
  probe: probe('admin', 'sudo', 3120, { pm2: 'absent', apache: 'absent', mysql: 'absent', redis: 'absent', memcached: 'absent' }),
  host: {
    hostname: 'maps-db-1',
    provider: { name: 'digitalocean', evidence: ['/sys/class/dmi/id/sys_vendor: DigitalOcean'] },
    os: { id: 'debian', name: 'Debian GNU/Linux', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    kernel: '6.1.0-27-amd64',
    arch: 'x86_64',
    cpus: 4,
    memoryBytes: 8321499136,
    swapBytes: 2147483648,
    loadAverage: [1.2, 1.5, 1.4],
    uptimeSeconds: 5184000,
    timezone: 'Europe/Berlin',
    mounts: [
      { device: '/dev/vda1', mountpoint: '/', fstype: 'ext4', sizeBytes: 160 * GB, usedBytes: 71 * GB },
      { device: '/dev/sda', mountpoint: '/var/cache/tiles', fstype: 'ext4', sizeBytes: 100 * GB, usedBytes: 12 * GB },
    ],
  },
  runtimes: {
    node: [{ version: 'v20.18.1', path: '/usr/bin/node', manager: 'system' }],
    tools: [{ name: 'npm', version: '10.8.2', path: '/usr/bin/npm' }],
    pm2: { apps: [] },
    docker: null,
  },
  processes: [
    { pid: 1520, ppid: 1, user: 'maps', command: `/usr/bin/node ${DIR}/src/server.js`, cwd: DIR },
    { pid: 1010, ppid: 1, user: 'postgres', command: '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf', cwd: '/var/lib/postgresql/15/main' },
    { pid: 905, ppid: 1, user: 'root', command: 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;', cwd: '/' },
  ],
  listeners: [
    listener('tcp', '0.0.0.0', 22, 'sshd', 690),
    listener('tcp', '0.0.0.0', 80, 'nginx', 905),
    listener('tcp', '0.0.0.0', 443, 'nginx', 905),
    listener('tcp', '127.0.0.1', 4000, 'node', 1520),
    listener('tcp', '127.0.0.1', 5432, 'postgres', 1010),
  ],
  services: {
    init: 'systemd',
    units: [
      ...baseUnits(),
      unit('maps-api.service', 'Maps API', { execStart: `/usr/bin/node ${DIR}/src/server.js`, workingDirectory: DIR, user: 'maps', environmentFiles: [`${DIR}/.env`] }),
      unit('nginx.service', 'A high performance web server and a reverse proxy server'),
      unit('postgresql@15-main.service', 'PostgreSQL Cluster 15-main'),
      unit('nftables.service', 'nftables', { subState: 'exited' }),
    ],
    timers: [],
  },
  webServers: {
    nginx: {
      version: '1.22.1',
      configFile: '/etc/nginx/nginx.conf',
      configRead: true,
      clientMaxBodySize: '20m',
      upstreams: [{ name: 'maps_api', servers: ['127.0.0.1:4000'] }],
      servers: [
        nginxServer('/etc/nginx/sites-enabled/maps', ['maps.example.io'], 443, [
          location('/', { proxyPass: 'http://maps_api', proxyReadTimeoutSeconds: 120, proxySendTimeoutSeconds: 120 }),
          location('/tiles/', { root: '/var/cache' }),
        ]),
        nginxServer('/etc/nginx/sites-enabled/maps', ['maps.example.io'], 80, [], { redirectsToHttps: true }),
      ],
    },
    apache: null,
  },
  tls: { certificates: [letsencrypt(['maps.example.io'], '2026-10-20T06:00:00Z', '2027-01-18T05:59:59Z')] },
  apps: [
    {
      name: 'maps-api',
      dir: DIR,
      foundBy: ['systemd', 'nginx'],
      packageJson: { name: 'maps-api', version: '5.0.3', enginesNode: '^20.10.0', startScript: 'node src/server.js', main: 'src/server.js', dependencies: { express: '^4.21.1', pg: '^8.13.1', 'pg-cursor': '^2.12.1', '@turf/turf': '^7.1.0' } },
      flags: flags({ express: true, postgres: true }),
      procfile: null,
      ecosystemFile: null,
      git: { remote: 'https://gitlab.example.io/geo/maps-api.git', commit: '5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d2c1', branch: 'main' },
      sizeBytes: 140 * MB,
      writableDirs: [],
      envNames: envNames(`${DIR}/.env`, ['NODE_ENV', 'PORT', 'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'MAPBOX_TOKEN'], ['PGPASSWORD', 'MAPBOX_TOKEN']),
      ports: [4000],
    },
  ],
  databases: {
    postgres: [
      {
        version: '15.10',
        port: 5432,
        dataDir: '/var/lib/postgresql/15/main',
        pid: 1010,
        listenAddresses: 'localhost',
        walLevel: 'logical',
        maxConnections: 200,
        databases: [
          { name: 'postgres', owner: 'postgres', sizeBytes: 7.6 * MB, extensions: [{ name: 'plpgsql', version: '1.0' }] },
          {
            name: 'gis',
            owner: 'maps',
            sizeBytes: 38 * GB,
            extensions: [
              { name: 'plpgsql', version: '1.0' },
              { name: 'postgis', version: '3.3.2' },
              { name: 'postgis_topology', version: '3.3.2' },
              { name: 'fuzzystrmatch', version: '1.1' },
              { name: 'pg_stat_statements', version: '1.10' },
              { name: 'timescaledb', version: '2.11.2' },
            ],
          },
        ],
        unreadable: null,
      },
    ],
    mysql: [],
  },
  caches: { redis: [], memcached: [] },
  cron: [{ source: 'crontab', file: '/etc/crontab', user: 'postgres', schedule: '*/5 * * * *', command: 'psql -d gis -c "REFRESH MATERIALIZED VIEW CONCURRENTLY tile_stats"' }],
  firewall: { tool: 'nftables', active: true, openPorts: ['22/tcp', '80/tcp', '443/tcp'], rules: ['tcp dport { 22, 80, 443 } accept'] },
  notRead: [],
};
