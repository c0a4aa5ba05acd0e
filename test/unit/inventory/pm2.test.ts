import { describe, expect, it } from 'vitest';
import { pm2Section } from '../../../shared/inventory/sections/pm2.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

describe('pm2 section parser', () => {
  it('reads the DigitalOcean 1-Click app from its running daemon and from its dump, without PM2 modules', () => {
    const inv = parseSection(pm2Section, probeFixture('pm2', 'digitalocean-1-click'));
    expect(inv.runtimes.pm2.apps).toEqual([
      {
        name: 'hello',
        user: 'nodejs',
        pid: 845,
        status: 'online',
        cwd: '/home/nodejs',
        script: '/var/www/html/hello.js',
        execMode: 'fork_mode',
        instances: 1,
        source: 'process',
        envNames: [],
      },
      {
        name: 'hello',
        user: 'nodejs',
        pid: null,
        status: 'online',
        cwd: '/home/nodejs',
        script: '/var/www/html/hello.js',
        execMode: 'fork_mode',
        instances: 1,
        source: 'dump',
        envNames: [],
      },
    ]);
  });

  it('keeps apart two daemons of one user that each run an app of the same name', () => {
    const line = (pid: number, dir: string) => ['app', 'proc', pid, 'deploy', 'api', 'launching', dir, `${dir}/server.js`, 'fork_mode', '1', '', 'PORT'].join('\t');
    const inv = parseSection(pm2Section, ['daemon\t100\tdeploy\t/srv/a/.pm2', 'daemon\t200\tdeploy\t/srv/b/.pm2', line(101, '/srv/a/api'), line(201, '/srv/b/api')].join('\n'));
    expect(inv.runtimes.pm2.apps.map((a) => [a.cwd, a.pid])).toEqual([['/srv/a/api', 101], ['/srv/b/api', 201]]);
  });

  it('folds cluster workers into one app, keeps the app’s own env names, and reports what it could not read', () => {
    const inv = parseSection(pm2Section, probeFixture('pm2', 'cluster-and-errors'));
    const [proc, dump, stopped] = inv.runtimes.pm2.apps;
    expect(proc).toMatchObject({ name: 'api', user: 'deploy', pid: 2009, instances: 4, source: 'process', execMode: 'cluster_mode' });
    expect(proc?.envNames).toEqual(['DATABASE_URL', 'JWT_SECRET', 'NODE_ENV', 'PORT', 'STRIPE_API_KEY']);
    expect(dump).toMatchObject({ name: 'api', source: 'dump', instances: 2, status: 'online', envNames: ['DATABASE_URL', 'JWT_SECRET', 'NODE_ENV', 'PORT', 'STRIPE_API_KEY'] });
    expect(stopped).toMatchObject({ name: 'cron-job', status: 'stopped', script: '/srv/jobs/nightly.js', source: 'dump' });
    expect(inv.notRead).toEqual([
      { what: 'PM2 app process 2044', reason: 'it went away while being read' },
      { what: 'PM2 dump /home/ops/.pm2/dump.pm2', reason: 'needs root or sudo' },
      { what: 'PM2 app process 3001', reason: 'needs root or sudo' },
      { what: 'PM2 dump /opt/app/.pm2/dump.pm2', reason: 'no node binary on the box to read it' },
      { what: 'PM2 dump /root/.pm2/dump.pm2', reason: 'could not be read (unreadable)' },
    ]);
  });
});
