/**
 * The zone import as the plan makes it (DNS at Linode moves to Route 53), run by the runner on
 * the AWS double: the hosted zone created, the person's BIND export read from the plan's folder,
 * every record created (the switched names with their lowered TTL); rolled back, the zone goes
 * with its imported records.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { rollback } from '../../../electron/engine/runner/rollback.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { DEFAULT_ACCOUNT } from '../../support/aws-double/index.js';
import { route53State } from '../../support/aws-double/services/route53.js';
import { tempDir } from '../../support/sshd.js';
import { runPlan } from '../../unit/plan/run-plan.js';
import { oneStepPlan } from './plan-parts.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';

const sample = SAMPLES['linode-systemd-postgres']!;

function zonePlan(): { plan: Plan; zone: string; file: string; lowered: { names: string[]; ttl: number } } {
  const { plan } = runPlan([sample]);
  const step = plan.steps.find((s) => s.id === 'prepare-hosted-zone');
  if (!step) throw new Error('the plan imports no zone');
  const copy = step.actions.find((a) => a.kind === 'data-copy') as { source: { zone: string; file: string; lowerTtl: { names: string[]; ttl: number } } };
  return { plan: oneStepPlan(plan, step, 'zone-test'), zone: copy.source.zone, file: copy.source.file, lowered: copy.source.lowerTtl };
}

describe('the zone import step', () => {
  let world: RunnerWorld;
  beforeAll(async () => {
    world = await startRunnerWorld({ speed: 2000, domain: 'zone.example.test', appEnvironments: [] });
  });
  afterAll(async () => world?.close());

  it('imports every record of the export into a new zone, and rollback deletes the zone with them', async () => {
    const { plan, zone, file, lowered } = zonePlan();
    const bundleRoot = await tempDir('skylift-zone-plan-');
    await mkdir(join(bundleRoot, 'dns'), { recursive: true });
    await writeFile(
      join(bundleRoot, file),
      [`$ORIGIN ${zone}.`, '$TTL 3600', `@ IN SOA ns1.linode.com. admin.${zone}. 2026112601 14400 14400 1209600 86400`, '@ IN NS ns1.linode.com.', '@ IN A 198.51.100.23', 'www IN A 198.51.100.23', '@ 300 IN MX 10 mail.example.net.', '@ IN TXT "v=spf1 -all"', 'old 60 IN CNAME legacy.example.net.', ''].join('\n'),
    );
    const home = await newHome();
    const applied = await apply(plan, world.options(home, { yes: true, bundleRoot }));
    expect(applied.error?.message ?? null).toBeNull();
    expect(applied.result).toBe('completed');

    const zones = [...route53State(world.double.world, DEFAULT_ACCOUNT).zones.values()].filter((z) => z.zone.Name === `${zone}.`);
    expect(zones).toHaveLength(1);
    const records = zones[0]!.records.map((r) => `${r.Name} ${r.Type} ${r.TTL} ${r.ResourceRecords?.map((v) => v.Value).join(',')}`).sort();
    // The names the switch moves carry the lowered TTL from the start; the others keep the export's.
    const ttl = (name: string, normal: number) => (lowered.names.includes(name) ? lowered.ttl : normal);
    expect(lowered.names).toContain(zone);
    expect(records.filter((r) => !/ (NS|SOA) /.test(r))).toEqual(
      [
        `${zone}. A ${ttl(zone, 3600)} 198.51.100.23`,
        `${zone}. MX ${ttl(zone, 300)} 10 mail.example.net.`,
        `${zone}. TXT ${ttl(zone, 3600)} "v=spf1 -all"`,
        `old.${zone}. CNAME 60 legacy.example.net.`,
        `www.${zone}. A ${ttl(`www.${zone}`, 3600)} 198.51.100.23`,
      ].sort(),
    );

    const back = await rollback(plan.migration.name, world.options(home, { yes: true, bundleRoot }));
    expect(back.error?.message ?? null).toBeNull();
    expect(back.result).toBe('completed');
    expect([...route53State(world.double.world, DEFAULT_ACCOUNT).zones.values()].some((z) => z.zone.Name === `${zone}.`)).toBe(false);
  });
});
