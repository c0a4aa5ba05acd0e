import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkInventory } from '../../../shared/inventory/link.js';
import { emptyInventory } from '../../../shared/inventory/parse-inventory.js';
import type { ProbeSection } from '../../../shared/inventory/section.js';
import { apacheSection } from '../../../shared/inventory/sections/apache.js';
import { appsSection } from '../../../shared/inventory/sections/apps.js';
import { memcachedSection } from '../../../shared/inventory/sections/memcached.js';
import { mysqlSection } from '../../../shared/inventory/sections/mysql.js';
import { nginxSection } from '../../../shared/inventory/sections/nginx.js';
import { postgresSection } from '../../../shared/inventory/sections/postgres.js';
import { redisSection } from '../../../shared/inventory/sections/redis.js';
import { tlsSection } from '../../../shared/inventory/sections/tls.js';
import { Inventory, type Privilege } from '../../../shared/schema/inventory.js';
import { probeFixture } from '../../support/probe-sections.js';

const SECTIONS: readonly ProbeSection[] = [nginxSection, apacheSection, tlsSection, appsSection, postgresSection, mysqlSection, redisSection, memcachedSection];

const fixtures = (section: string): string[] =>
  readdirSync(resolve(import.meta.dirname, '../../fixtures/probe', section))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => probeFixture(section, f.slice(0, -4)));

/** Every tag these sections print, so random lines reach the parsers' inner branches. */
const TAGS = (
  'absent version conf err fallback ctl modules modfile vhosts file cert unreadable nolive noopenssl app found envfile env wdir procfile eco ' +
  'gitbranch gitcommit gitremote size pkg pkgraw server owner binversion datadir port sockdir set db ext fail cluster comm socket var schema ' +
  'engine addr via info config listen mem stats |'
).split(' ');

const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '', '0', '-1', '99999999999999999999', '1|postgres|db', 'a|b', 'x\ty\tz', 'InnoDB\t3', 'db0:keys=1,expires=2', 'STAT pid 3', '127.0.0.1:6379',
    '# configuration file /etc/nginx/nginx.conf:', 'http { server { listen 80; location / { proxy_pass http://127.0.0.1:1; } } }', '{"name":1}',
    '1:<VirtualHost *:80>', 'subject=CN=x', 'notAfter=Jan  1 00:00:00 2030 GMT', 'test is successful', 'pm2 api', 'process 12', '/srv/app',
  ),
);
const line = fc.tuple(fc.constantFrom(...TAGS), value).map(([tag, v]) => `${tag} ${v}`);
const lines = fc.array(line, { maxLength: 60 }).map((ls) => ls.join('\n'));
const binary = fc.uint8Array({ maxLength: 400 }).map((bytes) => String.fromCharCode(...bytes));

/** nginx-ish text: directives, blocks, quotes and comments in any (mis)order. */
const nginxish = fc
  .array(fc.constantFrom('{', '}', ';', '"', "'", '#', '\n', ' ', 'http', 'server', 'location', '/', 'listen', '80', 'include', '*', 'proxy_pass', 'http://127.0.0.1:3000',
    'proxy_set_header', 'Upgrade', '$http_upgrade', 'Connection', 'upgrade', 'map', 'upstream', 'return', '301', 'https://x', '${a}', '\\', 'root', 'if'), { maxLength: 120 })
  .map((parts) => `conf /etc/nginx/nginx.conf\n| # configuration file /etc/nginx/nginx.conf:\n${parts.join(' ').split('\n').map((l) => `| ${l}`).join('\n')}\nerr test is successful`);

/** A draft that other sections already filled: what they found must survive any of ours. */
function filledDraft(privilege: Privilege): Inventory {
  const draft = emptyInventory('prop', 'local', '2025-01-06T10:00:00.000Z');
  draft.probe.privilege = privilege;
  draft.host.hostname = 'box-1';
  draft.processes.push({ pid: 7, ppid: 1, user: 'app', command: 'node server.js', cwd: '/srv/app' });
  draft.listeners.push({ proto: 'tcp', address: '127.0.0.1', port: 3000, pid: 7, processName: 'node', public: false });
  draft.cron.push({ source: 'crontab', file: '/etc/crontab', user: 'root', schedule: '@daily', command: 'true' });
  return draft;
}

function assertTotal(section: ProbeSection, text: string): void {
  for (const privilege of ['root', 'user'] as const) {
    const draft = filledDraft(privilege);
    const before = JSON.stringify({ host: draft.host, processes: draft.processes, listeners: draft.listeners, cron: draft.cron });
    section.parse({ name: section.name, text, exitCode: 0, truncated: false }, draft, { privilege, notRead: draft.notRead });
    linkInventory(draft);
    expect(() => Inventory.parse(draft)).not.toThrow();
    expect(JSON.stringify({ host: draft.host, processes: draft.processes, listeners: draft.listeners, cron: draft.cron })).toBe(before);
  }
}

describe.each(SECTIONS.map((s) => [s.name, s] as const))('the %s parser is total', (name, section) => {
  it('on arbitrary text and binary', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), binary), (text) => assertTotal(section, text)), { numRuns: 150 });
  });

  it('on random lines with its own tags', () => {
    fc.assert(fc.property(lines, (text) => assertTotal(section, text)), { numRuns: 250 });
  });

  it('on captured outputs cut anywhere, or with lines dropped and garbage spliced in', () => {
    const captured = fixtures(name);
    const mangled = fc
      .tuple(fc.constantFrom(...captured), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 30 }))
      .map(([text, a, b, junk]) => {
        const ls = text.split('\n');
        const at = a % (ls.length + 1);
        return [...ls.slice(0, at), junk, ...ls.slice(at + (b % 3))].join('\n').slice(0, (a * 7) % (text.length + 1) || undefined);
      });
    fc.assert(fc.property(mangled, (text) => assertTotal(section, text)), { numRuns: 250 });
  });
});

describe('the nginx config reader is total', () => {
  it('on any arrangement of directives, braces, quotes and comments', () => {
    fc.assert(fc.property(nginxish, (text) => assertTotal(nginxSection, text)), { numRuns: 400 });
  });
});
