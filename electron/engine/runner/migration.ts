import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { RunMode } from '../../../shared/schema/journal.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { createAwsClients, DEFAULT_MAX_ATTEMPTS, type AwsClients } from '../aws/clients.js';
import { dataDir } from '../paths.js';
import { callAws } from './aws-call.js';
import { RunnerError } from './errors.js';
import { Journal, migrationDir } from './journal.js';
import { acquireLock, type Lock } from './lock.js';
import { migrationIdOf, parsePlan, planHash } from './plan-check.js';
import { Run, type AwsAccess, type RunnerOptions } from './run.js';

export function awsClientsFor(access: AwsAccess, region: string, migrationId: string): AwsClients {
  return createAwsClients({
    region,
    ...(access.profile ? { profile: access.profile } : {}),
    ...(access.credentials ? { credentials: access.credentials } : {}),
    ...(access.endpointUrl ? { endpointUrl: access.endpointUrl } : {}),
    maxAttempts: access.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    migrationId,
  });
}

export function regionFor(plan: Plan, access: AwsAccess): string {
  const region = plan.migration.region;
  if (access.region && access.region !== region) {
    throw new RunnerError('WRONG_REGION', `the plan is for ${region}, not ${access.region}`, `leave out --region, or plan again for ${access.region}`);
  }
  return region;
}

/** The plan a migration started with (kept beside its journal). */
export function savedPlan(id: string, home = dataDir()): Plan {
  const dir = migrationDir(id, home);
  let text: string;
  try {
    text = readFileSync(join(dir, 'plan.json'), 'utf8');
  } catch {
    throw new RunnerError('NO_MIGRATION', `there is no migration ${id} in ${join(home, 'migrations')}`, 'skylift status lists the migrations; apply a plan to start one');
  }
  return parsePlan(text, join(dir, 'plan.json'));
}

export interface OpenRun {
  run: Run;
  lock: Lock;
  resumed: boolean;
}

/**
 * Opens a migration for writing: the lock, the journal, the clients, the account check. The
 * first run records the account and the plan's hash; every later run must match both.
 */
export async function openRun(plan: Plan, opts: RunnerOptions, mode: RunMode, options: Record<string, Json>): Promise<OpenRun> {
  const id = migrationIdOf(plan);
  const region = regionFor(plan, opts.aws);
  const home = opts.home ?? dataDir();
  const dir = migrationDir(id, home);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = acquireLock(dir, `skylift ${mode}`);
  let journal: Journal | undefined;
  let clients: AwsClients | undefined;
  try {
    journal = Journal.open(dir);
    clients = awsClientsFor(opts.aws, region, id);
    const identity = await callAws(clients, 'sts', 'GetCallerIdentity', {});
    const account = String(identity.Account ?? '');
    if (plan.migration.accountId && plan.migration.accountId !== account) {
      throw new RunnerError('WRONG_ACCOUNT', `the plan is pinned to account ${plan.migration.accountId}, but these credentials are for ${account}`, 'use credentials (--profile) for the planned account, or plan again for this one');
    }
    const hash = planHash(plan);
    const first = journal.records.find((r) => r.type === 'migration');
    const resumed = first !== undefined;
    if (first) {
      if (first.planHash !== hash) throw new RunnerError('PLAN_CHANGED', `migration ${id} was started with a different plan (the journal wins)`, `give the plan it was started with (a copy is in ${join(dir, 'plan.json')}), or skylift rollback ${id} first and apply the new plan after`);
      if (first.account !== account) throw new RunnerError('WRONG_ACCOUNT', `migration ${id} runs in account ${first.account}, but these credentials are for ${account}`, 'use the credentials it was started with');
    } else {
      writeFileSync(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
      journal.append({ type: 'migration', schemaVersion: 1, id, planHash: hash, region, account, endpoint: opts.aws.endpointUrl ?? null });
    }
    const run = new Run(plan, id, journal, clients, opts);
    run.record({ type: 'run', mode, pid: process.pid, host: hostname(), options });
    run.emit({ type: 'migration', id, mode, resumed, tookOverLockFrom: lock.tookOverFrom?.pid ?? null });
    return { run, lock, resumed };
  } catch (err) {
    clients?.destroy();
    journal?.close();
    lock.release();
    throw err;
  }
}

export async function closeRun(open: OpenRun): Promise<void> {
  await open.run.close();
  open.run.clients.destroy();
  open.run.journal.close();
  open.lock.release();
}
