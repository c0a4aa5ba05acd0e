import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_OPERATIONS, operationKey } from '../../../electron/engine/aws/operations.js';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { cdnCases, cdnTeardown } from './operations/cdn-cases.js';
import { CaseContext, MIGRATION_ID, type OperationCase } from './operations/context.js';
import { dataCases, dataTeardown } from './operations/data-cases.js';
import { ebCases, ebTeardown } from './operations/eb-cases.js';
import { eventsCases } from './operations/events-cases.js';
import { identityCases, identityTeardown } from './operations/identity-cases.js';
import { certificateTeardown, lbDnsCases } from './operations/lb-dns-cases.js';
import { networkCases, networkTeardown } from './operations/network-cases.js';
import { runnerCases } from './operations/runner-cases.js';

/** Every AWS call the product makes, made by the real SDK client against the double, in the
 * order a migration would make them (setup, then teardown). */
const CASES: OperationCase[] = [
  ...identityCases,
  ...networkCases,
  ...ebCases,
  ...lbDnsCases,
  ...dataCases,
  ...cdnCases,
  ...runnerCases,
  ...eventsCases,
  ...cdnTeardown,
  ...dataTeardown,
  ...certificateTeardown,
  ...ebTeardown,
  ...networkTeardown,
  ...identityTeardown,
];

describe('every registered AWS operation', () => {
  it('has a case in the table, exactly once', () => {
    const covered = CASES.flatMap((c) => c.ops);
    const registered = AWS_OPERATIONS.map(operationKey);
    expect([...covered].sort()).toEqual([...registered].sort());
  });
});

describe.sequential('AWS operations against the double, through the real SDK clients', () => {
  let session: DoubleSession;
  let ctx: CaseContext;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'skylift-aws-ops-'));
    session = await startDoubleSession({ speed: 10_000, migrationId: MIGRATION_ID });
    ctx = new CaseContext(session, dir);
  });

  afterAll(async () => {
    await session?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const productBefore = session.calls.length;
      const doubleBefore = session.double.calls.length;
      await c.run(ctx);
      const made = new Set([
        ...session.calls.slice(productBefore).map(operationKey),
        // Calls a credential provider makes with its own client reach only the double's log.
        ...session.double.calls.slice(doubleBefore).map((d) => `${d.service}:${d.operation}`),
      ]);
      for (const op of c.ops) expect(made, `${op} was not called`).toContain(op);
    });
  }
});
