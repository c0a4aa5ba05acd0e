import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_HOURLY, EC2_HOURLY, PRICE_DATE, PRICED_REGION, RDS_GP3_GB_MONTH, RDS_HOURLY, ALB_HOURLY, CLB_HOURLY } from '../../../shared/mapping/tables/prices.js';
import { journalState } from '../../../shared/runner/journal-state.js';
import type { CallRecord } from '../../../shared/schema/journal.js';
import { PHASES, type Phase } from '../../../shared/schema/plan.js';
import { dataDir } from '../paths.js';
import { readAdopted } from './adopt.js';
import { freezeClock, type FreezeClock } from './freeze-clock.js';
import { Journal, migrationDir } from './journal.js';
import type { LockHolder } from './lock.js';
import { awsClientsFor, savedPlan } from './migration.js';
import type { AwsAccess } from './run.js';

export type StepState = 'done' | 'failed' | 'interrupted' | 'undone' | 'pending';

export interface ResourceStatus {
  kind: string;
  name: string;
  step: string;
  /** Null when AWS was not asked (no credentials, or asked not to). */
  exists: boolean | null;
  monthlyUsd: number | null;
}

export interface MigrationStatus {
  id: string;
  region: string;
  account: string | null;
  /** The furthest phase with a done step. */
  phase: Phase | null;
  steps: { id: string; phase: Phase; title: string; state: StepState; error: string | null }[];
  lastRun: { mode: string; result: string | null; reason: string | null; at: string } | null;
  lock: LockHolder | null;
  resources: ResourceStatus[];
  /** The write freeze: when writes stopped on the box, when AWS accepted them (null while it lasts), and how long; null when none ran. */
  freeze: FreezeClock | null;
  cost: { monthlyUsd: number; unpriced: string[]; asOf: string; region: string };
}

const HOURS = 730;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Monthly on-demand price of what a create call made (null when the snapshot has no price for it). */
function monthly(call: CallRecord, region: string): number | null {
  if (region !== PRICED_REGION) return null;
  const p = (call.params ?? {}) as Record<string, unknown>;
  switch (`${call.service}:${call.operation}`) {
    case 'rds:CreateDBInstance': {
      const engine = str(p.Engine) as 'postgres' | 'mysql' | 'mariadb';
      const hourly = RDS_HOURLY[engine]?.[str(p.DBInstanceClass)]?.usd;
      if (hourly === undefined) return null;
      return hourly * HOURS * (p.MultiAZ ? 2 : 1) + (RDS_GP3_GB_MONTH[engine]?.usd ?? 0) * Number(p.AllocatedStorage ?? 0);
    }
    case 'elasticache:CreateReplicationGroup':
    case 'elasticache:CreateCacheCluster': {
      const hourly = CACHE_HOURLY[str(p.CacheNodeType)]?.usd;
      return hourly === undefined ? null : hourly * HOURS * Number(p.NumCacheClusters ?? p.NumCacheNodes ?? 1);
    }
    case 'elasticbeanstalk:CreateEnvironment': {
      const settings = (Array.isArray(p.OptionSettings) ? p.OptionSettings : []) as { Namespace?: string; OptionName?: string; Value?: unknown }[];
      const get = (ns: string, name: string) => str(settings.find((s) => s.Namespace === ns && s.OptionName === name)?.Value);
      const type = get('aws:ec2:instances', 'InstanceTypes').split(',')[0]?.trim() ?? '';
      const hourly = EC2_HOURLY[type]?.usd;
      if (hourly === undefined) return null;
      const count = Number(get('aws:autoscaling:asg', 'MinSize') || 1);
      const single = get('aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance';
      const lb = single ? 0 : get('aws:elasticbeanstalk:environment', 'LoadBalancerType') === 'classic' ? CLB_HOURLY.usd : ALB_HOURLY.usd;
      return (hourly * count + lb) * HOURS;
    }
    default:
      return 0;
  }
}

const CREATES = /^(Create|Request|Put)/;

export function listMigrations(home = dataDir()): string[] {
  try {
    return readdirSync(join(home, 'migrations'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
}

/** Where a migration is, from its journal; with AWS access, which of its resources exist now. */
export async function migrationStatus(id: string, opts: { home?: string; aws?: AwsAccess } = {}): Promise<MigrationStatus> {
  const home = opts.home ?? dataDir();
  const plan = savedPlan(id, home);
  const dir = migrationDir(id, home);
  const records = Journal.read(dir);
  const state = journalState(records);
  let lock: LockHolder | null = null;
  try {
    lock = JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')) as LockHolder;
  } catch {
    lock = null;
  }
  const steps = plan.steps.map((s) => ({
    id: s.id,
    phase: s.phase,
    title: s.title,
    state: (state.done.has(s.id) ? 'done' : state.failed.has(s.id) ? 'failed' : state.interrupted.has(s.id) ? 'interrupted' : state.undone.has(s.id) ? 'undone' : 'pending') as StepState,
    error: state.failed.get(s.id)?.error ?? null,
  }));
  const phase = [...PHASES].reverse().find((p) => steps.some((s) => s.phase === p && s.state === 'done')) ?? null;
  const run = [...records].reverse().find((r) => r.type === 'run');
  const end = [...records].reverse().find((r) => r.type === 'run-end');
  const lastRun = run && run.type === 'run' ? { mode: run.mode, at: run.at, result: end && end.type === 'run-end' && end.seq > run.seq ? end.result : null, reason: end && end.type === 'run-end' && end.seq > run.seq ? end.reason : null } : null;
  const made = new Map<string, CallRecord>();
  for (const c of state.calls) {
    if (c.kind !== 'aws' || !CREATES.test(c.operation) || !state.results.get(c.key)) continue;
    made.set(`${c.service}:${c.operation}:${c.token ?? c.key}`, c);
  }
  const clients = opts.aws ? awsClientsFor(opts.aws, plan.migration.region, id) : null;
  const resources: ResourceStatus[] = [];
  try {
    for (const c of made.values()) {
      const exists = clients ? await readAdopted(clients, c.service!, c.operation, c.params as Record<string, unknown>).then((r) => (r === undefined ? null : r !== null), () => null) : null;
      resources.push({ kind: `${c.service}:${c.operation.replace(CREATES, '')}`, name: c.token?.replace(/^[A-Za-z]+=/, '') ?? c.key, step: c.step, exists, monthlyUsd: exists === false ? 0 : monthly(c, plan.migration.region) });
    }
  } finally {
    clients?.destroy();
  }
  const priced = resources.filter((r) => r.exists !== false);
  return {
    id,
    region: plan.migration.region,
    account: state.migration?.account ?? null,
    phase,
    steps,
    lastRun,
    lock,
    resources,
    freeze: freezeClock(state),
    cost: { monthlyUsd: Math.round(priced.reduce((n, r) => n + (r.monthlyUsd ?? 0), 0) * 100) / 100, unpriced: priced.filter((r) => r.monthlyUsd === null).map((r) => r.name), asOf: PRICE_DATE, region: plan.migration.region },
  };
}
