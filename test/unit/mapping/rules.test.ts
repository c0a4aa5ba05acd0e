import { describe, expect, it } from 'vitest';
import { eventBridgeCron, fiveFields } from '../../../shared/mapping/cron-expression.js';
import { zoneOf } from '../../../shared/mapping/dns.js';
import { resourceName } from '../../../shared/mapping/names.js';
import { rangeAllowsMajor } from '../../../shared/mapping/node-range.js';
import { chooseRdsVersion } from '../../../shared/mapping/rds-version.js';
import { storageFor } from '../../../shared/mapping/rds-sizing.js';
import { TABLES_AS_OF } from '../../../shared/mapping/tables/as-of.js';
import { validateOptionSettings } from '../../../shared/mapping/tables/eb-options.js';
import { RDS_VERSIONS } from '../../../shared/mapping/tables/engine-versions.js';

describe('engines.node ranges', () => {
  const allowed = (range: string) => [12, 16, 18, 20, 22, 24].filter((m) => rangeAllowsMajor(range, m) === true);
  it.each([
    ['>=18', [18, 20, 22, 24]],
    ['16.x', [16]],
    ['^20.10.0', [20]],
    ['~14.2', []],
    ['16 || 18', [16, 18]],
    ['>=14 <19', [16, 18]],
    ['>18', [20, 22, 24]],
    ['>18.2', [18, 20, 22, 24]],
    ['<20.5', [12, 16, 18, 20]],
    ['12 - 18', [12, 16, 18]],
    ['>= 20', [20, 22, 24]],
    ['*', [12, 16, 18, 20, 22, 24]],
  ])('%s admits %j', (range, majors) => {
    expect(allowed(range)).toEqual(majors);
  });
  it('does not pretend to understand what it cannot parse', () => {
    expect(rangeAllowsMajor('latest', 22)).toBeNull();
  });
});

describe('cron schedules', () => {
  it('normalises crontab nicknames and refuses @reboot', () => {
    expect(fiveFields('@daily')).toBe('0 0 * * *');
    expect(fiveFields('*/15 * * * *')).toBe('*/15 * * * *');
    expect(fiveFields('@reboot')).toBeNull();
    expect(fiveFields('*-*-* 00,12:00:00')).toBeNull();
    expect(fiveFields('daily')).toBe('0 0 * * *');
  });
  it('writes EventBridge cron with ? in one day field and days numbered from SUN', () => {
    expect(eventBridgeCron('*/15 * * * *')).toEqual({ expression: 'cron(0/15 * * * ? *)', warning: null });
    expect(eventBridgeCron('0 6 * * 1-5')).toEqual({ expression: 'cron(0 6 ? * MON-FRI *)', warning: null });
    expect(eventBridgeCron('30 2 1 * *')).toEqual({ expression: 'cron(30 2 1 * ? *)', warning: null });
    expect(eventBridgeCron('0 0 * * 0,7').expression).toBe('cron(0 0 ? * SUN,SUN *)');
    const both = eventBridgeCron('0 0 1 * 1');
    expect(both.expression).toBe('cron(0 0 1 * ? *)');
    expect(both.warning).toMatch(/either the day of month or the day of week/);
  });
});

describe('names', () => {
  it('stays within limits, starts with a letter and never collides when cut', () => {
    expect(resourceName(['skylift', 'Shop API', 'db'], 63)).toBe('skylift-shop-api-db');
    expect(resourceName(['1st'], 20)).toBe('s-1st');
    const a = resourceName(['skylift', 'a'.repeat(50), 'one'], 40);
    const b = resourceName(['skylift', 'a'.repeat(50), 'two'], 40);
    expect(a.length).toBeLessThanOrEqual(40);
    expect(a).not.toBe(b);
  });
  it('finds the registrable zone', () => {
    expect(zoneOf('www.example.com')).toBe('example.com');
    expect(zoneOf('example.com')).toBe('example.com');
    expect(zoneOf('api.shop.example.co.uk')).toBe('example.co.uk');
  });
});

describe('RDS versions', () => {
  const pick = (engine: 'postgres' | 'mysql' | 'mariadb', v: string) => chooseRdsVersion(engine, RDS_VERSIONS[engine], v, TABLES_AS_OF).row.version;
  it('keeps a major with more than a year of standard support', () => {
    expect(pick('postgres', '16.4')).toBe('16');
    expect(pick('postgres', '15.10')).toBe('15');
  });
  it('moves a major that leaves standard support within a year to the nearest newer one', () => {
    expect(pick('postgres', '14.13')).toBe('15');
    expect(pick('postgres', '9.6.24')).toBe('15');
    expect(pick('mysql', '5.7.42')).toBe('8.4');
    expect(pick('mysql', '8.0.36')).toBe('8.4');
    expect(pick('mariadb', '10.3.39-MariaDB-0ubuntu0.20.04.2')).toBe('10.11');
    expect(pick('mariadb', '11.4.3')).toBe('11.4');
  });
  it('gives storage twice the data with the 20 GiB minimum', () => {
    expect(storageFor(1.7)).toEqual({ allocated: 20, max: 100 });
    expect(storageFor(38)).toEqual({ allocated: 76, max: 304 });
  });
});

describe('Elastic Beanstalk option table', () => {
  const set = (namespace: string, optionName: string, value: string) => ({ namespace, optionName, value });
  it('accepts what the planner emits', () => {
    expect(validateOptionSettings([set('aws:elbv2:loadbalancer', 'IdleTimeout', '300'), set('aws:elbv2:listener:443', 'Protocol', 'HTTPS'), set('aws:elasticbeanstalk:environment:proxy:staticfiles', '/_nuxt', '.output/public/_nuxt')], 'application')).toEqual([]);
  });
  it('rejects ProxyServer none on Node.js AL2023', () => {
    expect(validateOptionSettings([set('aws:elasticbeanstalk:environment:proxy', 'ProxyServer', 'none')], 'application')[0]).toMatch(/must be one of nginx, apache/);
  });
  it('rejects options of the other load balancer type, unknown options, bad values and duplicates', () => {
    const problems = validateOptionSettings(
      [
        set('aws:elb:listener:443', 'ListenerProtocol', 'SSL'),
        set('aws:autoscaling:asg', 'Minimum', '1'),
        set('aws:autoscaling:asg', 'MaxSize', 'four'),
        set('aws:elbv2:loadbalancer', 'IdleTimeout', '300'),
        set('aws:elbv2:loadbalancer', 'IdleTimeout', '300'),
        set('aws:nope', 'X', '1'),
        set('aws:elasticbeanstalk:application:environment', 'BAD-NAME', 'x'),
      ],
      'application',
    );
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/classic load balancer/);
  });
});
