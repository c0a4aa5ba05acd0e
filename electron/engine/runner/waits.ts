import type { EnvironmentDescription } from '@aws-sdk/client-elastic-beanstalk';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { Action, PlanStep } from '../../../shared/schema/plan.js';

type WaitAction = Extract<Action, { kind: 'wait' }>;
import { AwsLayerError } from '../aws/errors.js';
import { waitForCertificate, waitForDbInstance, waitForReplicationGroup, waitUntil, type Verdict } from '../aws/wait.js';
import { callAws, errorCode } from './aws-call.js';
import { RunnerError } from './errors.js';
import type { Budget, Run } from './run.js';

function progress(run: Run, step: PlanStep, budget: Budget, detail: string): void {
  const expected: [number, number] = [run.scaled(step.durationMinutes.min * 60_000), run.scaled(step.durationMinutes.max * 60_000)];
  const percent = Math.min(99, Math.round((budget.elapsed() / Math.max(1, expected[1])) * 100));
  run.emit({ type: 'progress', step: step.id, phase: step.phase, percent, detail, elapsedMs: budget.elapsed(), expectedMs: expected });
}

function outOfBudget(run: Run, step: PlanStep, what: string, last: string, extra = ''): RunnerError {
  return new RunnerError(
    'BUDGET_EXCEEDED',
    `${step.id}: ${what} is still ${last} after the step's budget (${Math.max(2, step.durationMinutes.max * 2)} min, twice its expected worst case)${extra ? `; latest events: ${extra}` : ''}`,
    `look at the events above in the AWS console; run skylift apply again to keep waiting, or skylift rollback ${run.id} to remove what was created`,
  );
}

/** The AWS layer's waits, bounded by the step's budget, with its timeouts told as the step's. */
async function bounded<T>(run: Run, step: PlanStep, what: string, budget: Budget, wait: (opts: { intervalMs: number; timeoutMs: number; signal?: AbortSignal; onStatus: (s: string) => void }) => Promise<T>): Promise<T> {
  let last = 'pending';
  try {
    return await wait({
      intervalMs: run.pollMs(),
      timeoutMs: budget.remaining(),
      ...(run.opts.signal ? { signal: run.opts.signal } : {}),
      onStatus: (s) => {
        last = s;
        progress(run, step, budget, `${what}: ${s}`);
      },
    });
  } catch (err) {
    if (err instanceof AwsLayerError && err.code === 'WAIT_TIMEOUT') throw outOfBudget(run, step, what, last);
    if (err instanceof AwsLayerError && err.code === 'CANCELLED') throw new RunnerError('CANCELLED', 'the run was cancelled', 'run apply again to resume');
    if (err instanceof AwsLayerError) throw new RunnerError('STEP_FAILED', `${step.id}: ${err.message}`, `${err.hint}; or skylift rollback ${run.id}`);
    throw err;
  }
}

/** Polls an environment, streaming its events, until it is Ready (or gone), within the budget. */
export async function waitEnvironment(run: Run, step: PlanStep, name: string, budget: Budget, until: 'ready' | 'terminated'): Promise<EnvironmentDescription> {
  let since: Date | undefined;
  const seen = new Set<string>();
  const stream = async (): Promise<string[]> => {
    const got = await callAws(run.clients, 'elasticbeanstalk', 'DescribeEvents', { EnvironmentName: name, ...(since ? { StartTime: since } : {}), MaxRecords: 100 });
    const events = ((got.Events ?? []) as { EventDate?: Date; Message?: string; Severity?: string }[]).slice().reverse();
    for (const e of events) {
      const id = `${e.EventDate?.toISOString()}|${e.Message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      run.emit({ type: 'aws-event', step: step.id, source: `elasticbeanstalk:${name}`, severity: e.Severity ?? 'INFO', message: e.Message ?? '', at: e.EventDate?.toISOString() ?? '' });
      if (e.EventDate && (!since || e.EventDate > since)) since = e.EventDate;
    }
    return events.slice(-3).map((e) => `[${e.Severity}] ${e.Message}`);
  };
  let last = 'unknown';
  for (;;) {
    run.checkCancelled();
    const got = await callAws(run.clients, 'elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [name], IncludeDeleted: until === 'terminated' });
    const envs = (got.Environments ?? []) as EnvironmentDescription[];
    const env = envs.find((e) => e.Status !== 'Terminated') ?? envs[0];
    const recent = await stream().catch(() => []);
    if (until === 'terminated') {
      if (!env || env.Status === 'Terminated') return env ?? {};
    } else {
      if (!env || env.Status === 'Terminated' || env.Status === 'Terminating') {
        throw new RunnerError('STEP_FAILED', `${step.id}: environment ${name} is ${env?.Status ?? 'gone'}`, `read its events; skylift rollback ${run.id} removes what was created`);
      }
      if (env.Status === 'Ready') return env;
    }
    const now = `${env?.Status ?? 'unknown'}, health ${env?.Health ?? 'unknown'}`;
    if (now !== last) progress(run, step, budget, `environment ${name}: ${now}`);
    last = now;
    if (budget.remaining() < run.pollMs()) throw outOfBudget(run, step, `environment ${name}`, last, recent.join(' | '));
    await run.sleep(run.pollMs());
  }
}

async function waitGone(run: Run, step: PlanStep, what: string, budget: Budget, poll: () => Promise<string | null>): Promise<void> {
  await bounded(run, step, what, budget, (opts) =>
    waitUntil(
      what,
      async () => {
        try {
          return await poll();
        } catch (err) {
          if (/NotFound/.test(errorCode(err))) return null;
          throw err;
        }
      },
      (status): Verdict => (status === null ? { done: true } : { done: false, status }),
      opts,
    ),
  );
}

const text = (v: Json | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/** A `wait` action: an AWS waiter by name, or a fixed time counted from when this wait first started (a resume waits only the rest). */
export async function waitAction(run: Run, step: PlanStep, key: string, action: WaitAction, budget: Budget): Promise<void> {
  if (action.waiter) {
    const { value } = await run.resolve(action.waiter.params as Json);
    const p = (value ?? {}) as Record<string, Json>;
    const c = run.clients;
    switch (action.waiter.name) {
      case 'EnvironmentExists':
      case 'EnvironmentUpdated':
        await waitEnvironment(run, step, text(p.EnvironmentNames ?? p.EnvironmentName), budget, 'ready');
        return;
      case 'EnvironmentTerminated':
        await waitEnvironment(run, step, text(p.EnvironmentNames ?? p.EnvironmentName), budget, 'terminated');
        return;
      case 'DBInstanceAvailable':
        await bounded(run, step, `database ${text(p.DBInstanceIdentifier)}`, budget, (o) => waitForDbInstance(c, text(p.DBInstanceIdentifier), o));
        return;
      case 'DBInstanceDeleted':
        await waitGone(run, step, `database ${text(p.DBInstanceIdentifier)} deletion`, budget, async () => {
          const got = await callAws(c, 'rds', 'DescribeDBInstances', { DBInstanceIdentifier: text(p.DBInstanceIdentifier) });
          return ((got.DBInstances ?? []) as { DBInstanceStatus?: string }[])[0]?.DBInstanceStatus ?? null;
        });
        return;
      case 'ReplicationGroupAvailable':
        await bounded(run, step, `cache ${text(p.ReplicationGroupId)}`, budget, (o) => waitForReplicationGroup(c, text(p.ReplicationGroupId), o));
        return;
      case 'CacheClusterAvailable':
        await bounded(run, step, `cache ${text(p.CacheClusterId)}`, budget, (o) =>
          waitUntil(
            `cache ${text(p.CacheClusterId)}`,
            async () => ((await callAws(c, 'elasticache', 'DescribeCacheClusters', { CacheClusterId: text(p.CacheClusterId) })).CacheClusters as { CacheClusterStatus?: string }[] | undefined)?.[0]?.CacheClusterStatus,
            (s): Verdict => (s === 'available' ? { done: true } : s === 'create-failed' || s === 'deleting' ? { failed: `is ${s}` } : { done: false, status: s ?? 'missing' }),
            o,
          ),
        );
        return;
      case 'CertificateValidated':
        await bounded(run, step, 'certificate', budget, (o) => waitForCertificate(c, text(p.CertificateArn), o));
        return;
      default:
        throw new RunnerError('UNSUPPORTED_OPERATION', `${step.id}: the runner has no waiter ${action.waiter.service}:${action.waiter.name}`, 'wait by hand, then run apply again');
    }
  }
  if (action.seconds === null) throw new RunnerError('UNSUPPORTED_OPERATION', `${step.id}: nothing to wait on for "${action.what}"`, 'wait by hand, then run apply again');
  if (!run.state.notedAt.has(key)) run.record({ type: 'note', step: step.id, key, message: `waiting ${action.seconds} s: ${action.what}` });
  const started = Date.parse(run.state.notedAt.get(key)!);
  const until = started + run.scaled(action.seconds * 1000);
  while (Date.now() < until) {
    progress(run, step, budget, `${action.what}: ${Math.ceil((until - Date.now()) / run.scale / 1000)} s left`);
    await run.sleep(Math.min(until - Date.now(), Math.max(run.pollMs(), run.scaled(60_000))));
  }
}
