import { describe, expect, it } from 'vitest';
import { cronSection, parseCronLine } from '../../../shared/inventory/sections/cron.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

describe('cron section parser', () => {
  it('reads system, cron.d, user and periodic jobs as root, with secrets redacted', () => {
    const inv = parseSection(cronSection, probeFixture('cron', 'ubuntu-root'));
    expect(inv.cron).toHaveLength(14);
    expect(inv.cron[0]).toEqual({ source: 'crontab', file: '/etc/crontab', user: 'root', schedule: '17 * * * *', command: 'cd / && run-parts --report /etc/cron.hourly' });
    expect(inv.cron.find((j) => j.file === '/etc/cron.d/certbot')).toMatchObject({ user: 'root', schedule: '0 */12 * * *' });
    const deploy = inv.cron.filter((j) => j.user === 'deploy');
    expect(deploy.map((j) => [j.source, j.schedule])).toEqual([
      ['user-crontab', '*/5 * * * *'],
      ['user-crontab', '@reboot'],
      ['user-crontab', '0 3 * * *'],
    ]);
    expect(deploy[1]?.command).toBe('cd /srv/api && /usr/bin/node jobs/warmup.js --api-key=***');
    expect(inv.cron.filter((j) => j.source === 'cron.periodic').map((j) => [j.schedule, j.file])).toEqual([
      ['@daily', '/etc/cron.daily/apt-compat'],
      ['@daily', '/etc/cron.daily/logrotate'],
      ['@weekly', '/etc/cron.weekly/man-db'],
      ['@hourly', '/etc/cron.hourly/sysstat'],
    ]);
    const dump = JSON.stringify(inv);
    for (const secret of ['eyJhbGciOiJIUzI1NiJ9', 'sk_live_51Habc', 'pgSecret99']) expect(dump).not.toContain(secret);
  });

  it('reads only its own crontab without privilege, and says why', () => {
    const inv = parseSection(cronSection, probeFixture('cron', 'unprivileged'), 'user');
    expect(inv.cron[1]).toEqual({ source: 'user-crontab', file: 'crontab -l', user: 'deploy', schedule: '15 2 * * 1', command: '/home/deploy/bin/rotate.sh --password ***' });
    expect(inv.notRead).toEqual([{ what: 'user crontabs in /var/spool/cron/crontabs', reason: 'needs root or sudo (only your own crontab was read)' }]);
  });

  it('accepts only real schedules', () => {
    expect(parseCronLine('@weekly root /bin/true', true)).toEqual({ schedule: '@weekly', user: 'root', command: '/bin/true' });
    expect(parseCronLine('0 0 1 jan,jul mon-fri /bin/true', false)).toEqual({ schedule: '0 0 1 jan,jul mon-fri', user: null, command: '/bin/true' });
    for (const line of ['API_TOKEN=abc', '@sometimes /bin/true', '* * * *', '0 0 * * * root', 'x=y * * * * cmd']) {
      expect(parseCronLine(line, true)).toBeNull();
    }
  });
});
