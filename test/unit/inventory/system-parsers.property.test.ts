import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../shared/schema/inventory.js';
import type { ProbeSection } from '../../../shared/inventory/section.js';
import { cronSection } from '../../../shared/inventory/sections/cron.js';
import { firewallSection } from '../../../shared/inventory/sections/firewall.js';
import { hostSection } from '../../../shared/inventory/sections/host.js';
import { pm2Section } from '../../../shared/inventory/sections/pm2.js';
import { processesSection } from '../../../shared/inventory/sections/processes.js';
import { runtimesSection } from '../../../shared/inventory/sections/runtimes.js';
import { servicesSection } from '../../../shared/inventory/sections/services.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

const SECTIONS: readonly ProbeSection[] = [hostSection, processesSection, servicesSection, runtimesSection, pm2Section, cronSection, firewallSection];

const fixtures = (section: string): string[] =>
  readdirSync(resolve(import.meta.dirname, '../../fixtures/probe', section))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => probeFixture(section, f.slice(0, -4)));

/** Every tag the sections print, so random records reach the parsers' inner branches. */
const TAGS = [
  ...'hostname kernel arch cpus dmi cloud os mem loadavg uptime tz mount ps cwd ss netstat pnet absent init unit prop end timer tprop tend node tool unreadable docker container daemon app error line periodic ufw ufwconf ufwapp ran ufwstatus nft ipt'.split(' '),
];

const field = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '0', '-1', '1e309', '99999999999999999999', 'proc', 'dump', 'nvm', 'path', 'systemd', 'other', '/proc/12', 'Status: active', '* * * * *', '@daily'),
);
const record = fc.tuple(fc.constantFrom(...TAGS), fc.array(field, { maxLength: 12 })).map(([tag, fields]) => [tag, ...fields].join('\t'));
const records = fc.array(record, { maxLength: 40 }).map((lines) => lines.join('\n'));
const binary = fc.uint8Array({ maxLength: 400 }).map((bytes) => String.fromCharCode(...bytes));

function assertTotal(section: ProbeSection, text: string): void {
  for (const privilege of ['root', 'user'] as const) {
    const draft = parseSection(section, text, privilege);
    expect(() => Inventory.parse(draft)).not.toThrow();
  }
}

describe.each(SECTIONS.map((s) => [s.name, s] as const))('the %s parser is total', (name, section) => {
  it('on arbitrary text and binary', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), binary), (text) => assertTotal(section, text)), { numRuns: 150 });
  });

  it('on random records with its own tags', () => {
    fc.assert(fc.property(records, (text) => assertTotal(section, text)), { numRuns: 300 });
  });

  it('on captured outputs cut anywhere, or with lines dropped and garbage spliced in', () => {
    const captured = fixtures(name);
    const mangled = fc
      .tuple(fc.constantFrom(...captured), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 30 }))
      .map(([text, a, b, junk]) => {
        const lines = text.split('\n');
        const at = a % (lines.length + 1);
        return [...lines.slice(0, at), junk, ...lines.slice(at + (b % 3))].join('\n').slice(0, (a * 7) % (text.length + 1) || undefined);
      });
    fc.assert(fc.property(mangled, (text) => assertTotal(section, text)), { numRuns: 300 });
  });
});
