import { describe, expect, it } from 'vitest';
import { emptyInventory } from '../../../shared/inventory/parse-inventory.js';
import { ecosystemEnvNames, packageJsonOf } from '../../../shared/inventory/app-files.js';
import { appsSection } from '../../../shared/inventory/sections/apps.js';
import { Inventory, type Pm2App, type SystemdUnit } from '../../../shared/schema/inventory.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

function parseWith(text: string, fill: (draft: Inventory) => void): Inventory {
  const draft = emptyInventory('fixture', 'local', '2025-01-06T10:00:00.000Z');
  fill(draft);
  appsSection.parse({ name: 'apps', text, exitCode: 0, truncated: false }, draft, { privilege: 'root', notRead: draft.notRead });
  return draft;
}

const pm2App = (over: Partial<Pm2App>): Pm2App => ({
  name: 'x', user: 'nodejs', pid: null, status: 'online', cwd: null, script: null, execMode: 'fork_mode', instances: 1, source: 'process', envNames: [], ...over,
});

describe('apps section parser', () => {
  it('reads the DigitalOcean 1-Click app (PM2 running /var/www/html/hello.js, no package.json)', () => {
    const inv = parseWith(probeFixture('apps', 'digitalocean-1-click'), (d) => {
      d.runtimes.pm2.apps.push(pm2App({ name: 'hello', pid: 1104, cwd: '/home/nodejs', script: '/var/www/html/hello.js', envNames: ['PM2_HOME', 'HOME'] }));
    });
    expect(inv.apps).toHaveLength(1);
    expect(inv.apps[0]).toMatchObject({ name: 'hello', dir: '/var/www/html', foundBy: ['pm2'], packageJson: null, sizeBytes: 16384, git: null, ports: [] });
    expect(inv.apps[0]!.envNames).toEqual([
      { name: 'PM2_HOME', source: 'pm2 hello', secret: false },
      { name: 'HOME', source: 'pm2 hello', secret: false },
    ]);
  });

  it('reads a full app without node on the PATH: package.json sent masked, env names only, flags, git, upload dirs', () => {
    const unit: SystemdUnit = {
      name: 'node.service', activeState: 'active', subState: 'running', description: 'My Node.js App', execStart: '/usr/bin/node /var/www/shop.example.org/app.js',
      workingDirectory: '/var/www/shop.example.org', user: 'shop', environmentNames: ['NODE_ENV'], environmentFiles: ['/etc/shop/env'],
    };
    const inv = parseWith(probeFixture('apps', 'linode-systemd-no-node-on-path'), (d) => d.services.units.push(unit));
    const [shop, worker] = inv.apps;
    expect(shop).toEqual({
      name: 'storefront',
      dir: '/var/www/shop.example.org',
      foundBy: ['process', 'systemd'],
      packageJson: {
        name: 'storefront', version: '3.2.0', enginesNode: '22.x', startScript: 'NODE_ENV=*** node app.js', main: 'app.js',
        dependencies: {
          jest: '^29.7.0', ws: '^8.18.0', express: '^4.21.1', 'socket.io': '^4.8.1', '@socket.io/redis-adapter': '^8.3.0', ioredis: '^5.4.1', mysql2: '^3.11.3',
          memjs: '^1.3.2', 'internal-sdk': 'git+https://***@gitlab.example.com/shop/sdk.git',
        },
      },
      flags: { socketio: true, ws: true, express: true, postgres: false, mysql: true, redis: true, socketioRedisAdapter: true, memcached: true, uploads: true },
      procfile: 'web: NODE_ENV=*** node app.js\nworker: node worker.js --queue=default',
      ecosystemFile: '/var/www/shop.example.org/ecosystem.config.js',
      git: { remote: 'https://***@gitlab.example.com/shop/storefront.git', commit: '4f1c2a7d9e0b3c5a6f8e1d2c3b4a5968776a5b4c', branch: 'production' },
      sizeBytes: 188743680,
      writableDirs: [
        { path: '/var/www/shop.example.org/public/uploads', sizeBytes: 20971520, files: 311 },
        { path: '/var/www/shop.example.org/storage', sizeBytes: null, files: null },
      ],
      envNames: [
        { name: 'DATABASE_URL', source: '/etc/shop/env', secret: true },
        { name: 'SESSION_SECRET', source: '/etc/shop/env', secret: true },
        { name: 'PORT', source: '/var/www/shop.example.org/.env', secret: false },
        { name: 'DB_PASSWORD', source: '/var/www/shop.example.org/.env', secret: true },
        { name: 'STRIPE_SECRET_KEY', source: '/var/www/shop.example.org/.env', secret: true },
        { name: 'AWS_ACCESS_KEY_ID', source: '/var/www/shop.example.org/.env', secret: true },
        { name: 'PORT', source: '/var/www/shop.example.org/.env.example', secret: false },
        { name: 'NODE_ENV', source: '/var/www/shop.example.org/ecosystem.config.js', secret: false },
        { name: 'PORT', source: '/var/www/shop.example.org/ecosystem.config.js', secret: false },
        { name: 'REDIS_URL', source: '/var/www/shop.example.org/ecosystem.config.js', secret: true },
        { name: 'NODE_ENV', source: 'systemd node.service', secret: false },
      ],
      ports: [],
    });
    expect(worker).toMatchObject({ name: 'worker', dir: '/srv/worker', packageJson: null, git: { remote: null, commit: null, branch: null }, sizeBytes: null });
    expect(inv.notRead).toEqual([{ what: '/srv/worker/package.json', reason: 'not valid JSON' }]);
    expect(() => Inventory.parse(inv)).not.toThrow();
  });

  it('adds PM2 apps the pm2 section saw and no directory matched', () => {
    const inv = parseWith('', (d) => d.runtimes.pm2.apps.push(pm2App({ name: 'api', cwd: '/srv/api', script: '/srv/api/dist/main.js', envNames: ['JWT_SECRET', 'bad name'] })));
    expect(inv.apps.map((a) => [a.name, a.dir, a.foundBy, a.envNames])).toEqual([
      ['api', '/srv/api/dist', ['pm2'], [{ name: 'JWT_SECRET', source: 'pm2 api', secret: true }]],
    ]);
  });

  it('keeps package.json fields it understands and masks inline secrets', () => {
    expect(packageJsonOf('{"name": 1, "scripts": {"start": "TOKEN=abc node s.js"}, "dependencies": {"a": "1", "b": {"x": 1}}, "engines": "node"}')).toEqual({
      name: null, version: null, enginesNode: null, startScript: 'TOKEN=*** node s.js', main: null, dependencies: { a: '1' },
    });
    for (const bad of ['', '[]', 'null', '"x"', '{']) expect(packageJsonOf(bad)).toBeNull();
  });

  it('reads env names only inside env / env_* objects of ecosystem tokens', () => {
    expect(ecosystemEnvNames(['{', 'apps:', '[', '{', 'name:', 'env:', '{', 'A:', 'nested:', '{', 'NOT:', '}', 'B:', '}', 'environment:', '{', 'C:', '}', '}', ']', '}', 'env_x:', '{', 'D:'])).toEqual([
      'A', 'nested', 'B', 'D',
    ]);
    expect(ecosystemEnvNames(['}', ']', 'env:', 'X:', '{'])).toEqual([]);
  });

  it('reads no apps from an empty or garbled output', () => {
    expect(parseSection(appsSection, '').apps).toEqual([]);
    expect(parseSection(appsSection, 'found pm2 x\nenv SECRET\n| stray').apps).toEqual([]);
  });
});
