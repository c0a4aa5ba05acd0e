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

interface AwsEvent {
  at: Date | undefined;
  message: string | undefined;
  severity: string | undefined;
}

/**
 * A service's events for one resource, each emitted once as it appears; the call returns the latest
 * three as text (for a step that runs out of budget). `fetch` answers oldest first from `since` on.
 */
function eventStream(run: Run, step: PlanStep, source: string, fetch: (since: Date | undefined) => Promise<AwsEvent[]>): () => Promise<string[]> {
  let since: Date | undefined;
  const seen = new Set<string>();
  let recent: string[] = [];
  return async () => {
    const events = await fetch(since).catch(() => []);
    for (const e of events) {
      const id = `${e.at?.toISOString()}|${e.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      run.emit({ type: 'aws-event', step: step.id, source, severity: e.severity ?? 'INFO', message: e.message ?? '', at: e.at?.toISOString() ?? '' });
      if (e.at && (!since || e.at > since)) since = e.at;
    }
    if (events.length > 0) recent = events.slice(-3).map((e) => `[${e.severity ?? 'INFO'}] ${e.message}`);
    return recent;
  };
}

function rdsEvents(run: Run, step: PlanStep, id: string): () => Promise<string[]> {
  return eventStream(run, step, `rds:${id}`, async (since) => {
    const got = await callAws(run.clients, 'rds', 'DescribeEvents', { SourceIdentifier: id, SourceType: 'db-instance', ...(since ? { StartTime: since } : { Duration: 1440 }) });
    return ((got.Events ?? []) as { Date?: Date; Message?: string; EventCategories?: string[] }[]).map((e) => ({ at: e.Date, message: e.Message, severity: e.EventCategories?.includes('failure') ? 'ERROR' : 'INFO' }));
  });
}

/** The AWS layer's waits, bounded by the step's budget, with its timeouts told as the step's; the resource's events stream while it waits. */
async function bounded<T>(run: Run, step: PlanStep, what: string, budget: Budget, wait: (opts: { intervalMs: number; timeoutMs: number; signal?: AbortSignal; onStatus: (s: string) => void }) => Promise<T>, events?: () => Promise<string[]>): Promise<T> {
  let last = 'pending';
  let recent: string[] = [];
  let streaming: Promise<void> | null = null;
  const pull = () => {
    streaming ??= (events?.() ?? Promise.resolve([])).then((r) => {
      recent = r;
      streaming = null;
    });
    return streaming;
  };
  try {
    const result = await wait({
      intervalMs: run.pollMs(),
      timeoutMs: budget.remaining(),
      ...(run.opts.signal ? { signal: run.opts.signal } : {}),
      onStatus: (s) => {
        last = s;
        progress(run, step, budget, `${what}: ${s}`);
        void pull();
      },
    });
    await pull();
    return result;
  } catch (err) {
    if (err instanceof AwsLayerError && err.code === 'WAIT_TIMEOUT') throw outOfBudget(run, step, what, last, recent.join(' | '));
    if (err instanceof AwsLayerError && err.code === 'CANCELLED') throw new RunnerError('CANCELLED', 'the run was cancelled', 'run apply again to resume');
    if (err instanceof AwsLayerError) throw new RunnerError('STEP_FAILED', `${step.id}: ${err.message}`, `${err.hint}; or skylift rollback ${run.id}`);
    throw err;
  }
}

/** Polls an environment, streaming its events, until it is Ready (or gone), within the budget. */
export async function waitEnvironment(run: Run, step: PlanStep, name: string, budget: Budget, until: 'ready' | 'terminated'): Promise<EnvironmentDescription> {
  const stream = eventStream(run, step, `elasticbeanstalk:${name}`, async (since) => {
    const got = await callAws(run.clients, 'elasticbeanstalk', 'DescribeEvents', { EnvironmentName: name, ...(since ? { StartTime: since } : {}), MaxRecords: 100 });
    // Newest first from Elastic Beanstalk.
    return ((got.Events ?? []) as { EventDate?: Date; Message?: string; Severity?: string }[]).map((e) => ({ at: e.EventDate, message: e.Message, severity: e.Severity })).reverse();
  });
  let last = 'unknown';
  for (;;) {
    run.checkCancelled();
    const got = await callAws(run.clients, 'elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [name], IncludeDeleted: until === 'terminated' });
    const envs = (got.Environments ?? []) as EnvironmentDescription[];
    const env = envs.find((e) => e.Status !== 'Terminated') ?? envs[0];
    const recent = await stream();
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

async function waitGone(run: Run, step: PlanStep, what: string, budget: Budget, poll: () => Promise<string | null>, events?: () => Promise<string[]>): Promise<void> {
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
    events,
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
        await bounded(run, step, `database ${text(p.DBInstanceIdentifier)}`, budget, (o) => waitForDbInstance(c, text(p.DBInstanceIdentifier), o), rdsEvents(run, step, text(p.DBInstanceIdentifier)));
        return;
      case 'DBInstanceDeleted':
        await waitGone(run, step, `database ${text(p.DBInstanceIdentifier)} deletion`, budget, async () => {
          const got = await callAws(c, 'rds', 'DescribeDBInstances', { DBInstanceIdentifier: text(p.DBInstanceIdentifier) });
          return ((got.DBInstances ?? []) as { DBInstanceStatus?: string }[])[0]?.DBInstanceStatus ?? null;
        }, rdsEvents(run, step, text(p.DBInstanceIdentifier)));
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
      case 'DistributionDeployed':
        await bounded(run, step, `distribution ${text(p.Id)}`, budget, (o) =>
          waitUntil(
            `distribution ${text(p.Id)}`,
            async () => ((await callAws(c, 'cloudfront', 'GetDistribution', { Id: text(p.Id) })).Distribution as { Status?: string } | undefined)?.Status,
            (s): Verdict => (s === 'Deployed' ? { done: true } : { done: false, status: s ?? 'missing' }),
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
