/**
 * Pieces of hand-written plans for the runner's step tests: a step with test defaults, a plan
 * around steps, the RDS instance step as shared/plan builds it, the SSH options of the test box,
 * one step of a built plan applied alone, and everything a migration wrote to disk as one text
 * (for "no secret here").
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationDir } from '../../../electron/engine/runner/journal.js';
import { aws, NOTHING_TO_UNDO, waitFor } from '../../../shared/plan/builder.js';
import type { Plan, PlanStep } from '../../../shared/schema/plan.js';
import type { TestBox } from '../data/box.js';

export const BOX_LABEL = 'root@box';

export function testStep(s: Pick<PlanStep, 'id' | 'phase' | 'actions'> & Partial<PlanStep>): PlanStep {
  return { title: s.id, why: 'test', dependsOn: [], preconditions: [], verify: [], undo: NOTHING_TO_UNDO('test'), pointOfNoReturn: false, manual: false, durationMinutes: { min: 1, max: 5 }, inDowntime: false, ...s };
}

export function testPlan(name: string, steps: PlanStep[], downtime: Plan['downtime'] = { steps: [], maxMinutes: 0 }): Plan {
  return {
    schemaVersion: 1,
    kind: 'skylift-plan',
    migration: { name, region: 'us-east-1', accountId: null, tablesAsOf: '2026-11-26', sources: [{ label: BOX_LABEL, collectedAt: '2026-11-20T10:00:00.000Z' }] },
    applicable: true,
    openBlockers: [],
    tags: [],
    phases: [...new Set(steps.map((s) => s.phase))],
    steps,
    downtime,
  };
}

/** `provision-rds-main`: an instance (PostgreSQL unless told) with an RDS-managed master secret; outputs Endpoint, Port, MasterSecretArn. */
export function rdsStep(instance: string, engine: { Engine: string; EngineVersion: string } = { Engine: 'postgres', EngineVersion: '15' }): PlanStep {
  return testStep({
    id: 'provision-rds-main',
    phase: 'provision',
    actions: [
      aws('rds', 'CreateDBInstance', { DBInstanceIdentifier: instance, ...engine, DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20, MasterUsername: 'skylift_admin', ManageMasterUserPassword: true }),
      waitFor('the instance', { service: 'rds', name: 'DBInstanceAvailable', params: { DBInstanceIdentifier: instance } }),
      aws('rds', 'DescribeDBInstances', { DBInstanceIdentifier: instance }, { Endpoint: 'DBInstances[0].Endpoint.Address', Port: 'DBInstances[0].Endpoint.Port', MasterSecretArn: 'DBInstances[0].MasterUserSecret.SecretArn' }),
    ],
  });
}

/** The `target` of a data-copy action into that instance, as shared/plan/data-copy.ts builds it. */
export const rdsTarget = (database: string) => ({
  endpoint: { $ref: 'provision-rds-main.Endpoint' },
  port: { $ref: 'provision-rds-main.Port' },
  masterUser: 'skylift_admin',
  credentials: { $ref: 'provision-rds-main.MasterSecretArn' },
  databases: [database],
  excludeExtensions: [],
  convertMyisam: false,
});

export const boxSsh = (box: TestBox) => async () => ({ destination: box.destination, identityFiles: [box.keyPath], knownHostsPath: box.knownHosts, userKnownHostsPath: null, sshConfigPath: null, agent: null, connectTimeoutMs: 10_000 });

/** Every file the migration wrote (journal, state), concatenated. */
export async function migrationText(name: string, home: string): Promise<string> {
  const dir = migrationDir(name, home);
  const parts: string[] = [];
  for (const f of await readdir(dir, { recursive: true, withFileTypes: true })) if (f.isFile()) parts.push(await readFile(join(f.parentPath, f.name), 'utf8'));
  return parts.join('\n');
}

/** A built plan cut down to one of its steps (its dependencies dropped), under its own migration name: one step of a real plan, applied alone. */
export function oneStepPlan(plan: Plan, step: PlanStep, name: string): Plan {
  return { ...plan, migration: { ...plan.migration, name }, applicable: true, openBlockers: [], steps: [{ ...step, dependsOn: [] }], downtime: { steps: [], maxMinutes: 0 } };
}
