import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SH_SYSTEMD_PROPS, servicesSection } from '../../../shared/inventory/sections/services.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

const shells = [['dash'], ['busybox', 'sh']].filter(([bin = '']) => spawnSync('/bin/sh', ['-c', `command -v ${bin}`]).status === 0);

describe('services section parser', () => {
  it('reads a DigitalOcean Node.js 1-Click: units, the pm2-nodejs unit in detail, and timers', () => {
    const inv = parseSection(servicesSection, probeFixture('services', 'digitalocean-ubuntu-24.04'));
    const s = inv.services;
    expect(s.init).toBe('systemd');
    // not-found units are references to missing files, not services.
    expect(s.units.map((u) => u.name)).not.toContain('auditd.service');
    expect(s.units.find((u) => u.name === 'snapd.seeded.service')).toMatchObject({ activeState: 'failed', subState: 'failed' });
    expect(s.units.find((u) => u.name === 'pm2-nodejs.service')).toEqual({
      name: 'pm2-nodejs.service',
      activeState: 'active',
      subState: 'running',
      description: 'PM2 process manager',
      execStart: '/usr/lib/node_modules/pm2/bin/pm2 resurrect',
      workingDirectory: null,
      user: 'nodejs',
      environmentNames: ['PATH', 'PM2_HOME'],
      environmentFiles: [],
    });
    expect(s.units.find((u) => u.name === 'ssh.service')).toMatchObject({ execStart: '/usr/sbin/sshd -D $SSHD_OPTS', environmentFiles: ['/etc/default/ssh'] });
    expect(s.units.find((u) => u.name === 'cron.service')).toMatchObject({ description: 'Regular background program processing daemon', execStart: null });
    expect(s.timers).toEqual([
      { name: 'logrotate.timer', unit: 'logrotate.service', schedule: '*-*-* 00:00:00' },
      { name: 'apt-daily-upgrade.timer', unit: 'apt-daily-upgrade.service', schedule: '*-*-* 06:00:00' },
      { name: 'snapd.snap-repair.timer', unit: 'snapd.snap-repair.service', schedule: 'OnUnitInactiveUSec=1d' },
    ]);
  });

  it('reads the Linode Marketplace node.service, and never keeps an environment value', () => {
    const inv = parseSection(servicesSection, probeFixture('services', 'linode-debian-12-node-service'));
    expect(inv.services.units.find((u) => u.name === 'node.service')).toEqual({
      name: 'node.service',
      activeState: 'active',
      subState: 'running',
      description: 'My Node.js App',
      execStart: '/usr/bin/node /var/www/example.com/app.js',
      workingDirectory: '/var/www/example.com',
      user: 'example',
      environmentNames: ['NODE_ENV'],
      environmentFiles: [],
    });
    const worker = inv.services.units.find((u) => u.name === 'worker.service');
    // This fixture's Environment= line came raw (as if the box had not cut it): names only survive.
    expect(worker?.environmentNames).toEqual(['NODE_ENV', 'DATABASE_PASSWORD', 'GREETING']);
    expect(worker?.environmentFiles).toEqual(['/etc/worker.env', '/srv/worker/.env']);
    expect(worker?.workingDirectory).toBe('/srv/worker');
    const dump = JSON.stringify(inv);
    for (const secret of ['hunter2', 's3cretRedis', 'abcdef123456', 'hello world', 'production']) expect(dump).not.toContain(secret);
    expect(inv.services.units.find((u) => u.name === 'custom-only-in-etc.service')).toMatchObject({ activeState: 'inactive', subState: 'dead' });
  });

  it('says when init is not systemd', () => {
    const inv = parseSection(servicesSection, probeFixture('services', 'not-systemd'));
    expect(inv.services).toEqual({ init: 'other', units: [], timers: [] });
    expect(inv.notRead).toEqual([{ what: 'services', reason: 'init is not systemd (PID 1 is init): services were not listed' }]);
  });

  it('keeps the units read before the output was cut mid-block', () => {
    const text = probeFixture('services', 'digitalocean-ubuntu-24.04');
    const cut = text.slice(0, text.indexOf('prop\tId=pm2-nodejs.service') + 12);
    const inv = parseSection(servicesSection, cut);
    expect(inv.services.units.find((u) => u.name === 'nginx.service')?.execStart).toBe('/usr/sbin/nginx -g daemon on; master_process on;');
    expect(inv.services.units.find((u) => u.name === 'pm2-nodejs.service')?.user).toBeNull();
    expect(inv.services.timers).toEqual([]);
  });

  it.each(shells.map((argv) => [argv.join(' '), argv] as const))('drops environment values on the box (%s), before anything is sent', (_shell, [bin = '', ...args]) => {
    // A captured `systemctl show` output, through the section's own filter, as the box runs it.
    const raw = probeFixture('services', 'systemctl-show-raw');
    const out = spawnSync(bin, [...args, '-c', `${SH_SYSTEMD_PROPS}\nsky_props prop`], { input: raw }).stdout.toString();
    expect(out).toContain('prop\tEnvironmentNames=NODE_ENV DATABASE_PASSWORD GREETING API_URL\n');
    for (const value of ['production', 'hunter2', 'hello', 'world', 'api.example.com', 'key=abc']) expect(out).not.toContain(value);
    const inv = parseSection(servicesSection, `init\tsystemd\n${out}`);
    expect(inv.services.units.map((u) => [u.name, u.activeState, u.environmentNames.length])).toEqual([
      ['worker.service', 'inactive', 4],
      ['nginx.service', 'active', 0],
    ]);
  });
});
