import { fromBlockers, GATED_PHASES, inScope, readySteps, ancestorsOf, type Scope } from '../../../shared/runner/schedule.js';
import type { Plan, PlanStep } from '../../../shared/schema/plan.js';
import { RunnerError } from './errors.js';
import { asRunnerError, confirmed, executeActions, inStep, StopRun } from './exec-step.js';
import { closeRun, openRun } from './migration.js';
import { checkPlan, migrationIdOf } from './plan-check.js';
import { reconcileInFlight } from './reconcile.js';
import type { Run, RunnerOptions } from './run.js';

export interface ApplyOptions extends RunnerOptions, Scope {}

export interface RunResult {
  id: string;
  /** `waiting`: stopped where a person must confirm or act. */
  result: 'completed' | 'stopped' | 'waiting' | 'failed';
  reason: string | null;
  error: RunnerError | null;
}

const GATE_QUESTION: Partial<Record<PlanStep['phase'], string>> = {
  freeze: 'stop the app on the box: writes stop and the downtime window opens',
  'switch-dns': 'point DNS at AWS: from here writes land on AWS and going back means copying them back',
};

/** The switch waits until one old TTL has passed since the TTL was lowered (a fixed wait among its ancestors that really ran its length). */
function ttlGuard(run: Run, step: PlanStep): void {
  for (const id of ancestorsOf(run.plan, step.id)) {
    const s = run.step(id);
    s.actions.forEach((a, i) => {
      if (a.kind !== 'wait' || a.seconds === null) return;
      const started = run.state.notedAt.get(`${id}#${i}`);
      const left = started ? Date.parse(started) + run.scaled(a.seconds * 1000) - Date.now() : Infinity;
      if (left > 0) throw new RunnerError('TTL_NOT_EXPIRED', `${step.id} must wait for ${id} (${a.what}): ${started ? `${Math.ceil(left / run.scale / 1000)} s left` : 'it has not run'}`, 'run apply again later; the wait is journaled and continues where it was');
    });
  }
}

function runStep(run: Run, step: PlanStep): Promise<void> {
  return inStep(run, step, 'apply', async (budget) => {
    if (step.phase === 'switch-dns') ttlGuard(run, step);
    await executeActions({ run, step, budget, undo: false }, step.id, step.actions, step.verify);
  });
}

/** Walks the DAG: every ready step starts at once (up to the concurrency), gates stop for a yes, the first failure stops new starts. */
async function walk(run: Run, scope: Set<string>): Promise<Omit<RunResult, 'id'>> {
  const running = new Map<string, Promise<void>>();
  const failed = new Set<string>();
  let end: Omit<RunResult, 'id'> | null = null;
  const limit = Math.max(1, run.opts.concurrency ?? 8);
  for (;;) {
    if (!end) {
      for (const step of readySteps(run.plan, { done: run.state.done, running: new Set(running.keys()), failed }, scope)) {
        if (running.size >= limit || end) break;
        const gate = GATE_QUESTION[step.phase];
        if (gate && GATED_PHASES.includes(step.phase) && !(await confirmed(run, step.id, `${step.id}: ${gate}. Go ahead?`))) {
          end = { result: 'waiting', reason: `stopped before ${step.id} (${gate}): confirm to go on, or run apply again with --yes`, error: null };
          break;
        }
        const started = runStep(run, step).then(
          () => void running.delete(step.id),
          (err: unknown) => {
            running.delete(step.id);
            failed.add(step.id);
            if (err instanceof StopRun) end ??= { result: 'waiting', reason: err.message, error: null };
            else end = end?.result === 'failed' ? end : { result: 'failed', reason: (err as Error).message, error: err as RunnerError };
          },
        );
        running.set(step.id, started);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (end) return end;
  const left = [...scope].filter((id) => !run.state.done.has(id));
  if (left.length > 0) return { result: 'failed', reason: `steps could not start: ${left.join(', ')}`, error: null };
  const all = run.plan.steps.every((s) => run.state.done.has(s.id));
  return all ? { result: 'completed', reason: null, error: null } : { result: 'stopped', reason: null, error: null };
}

/** `skylift apply`: runs (or resumes) a migration from its plan. */
export async function apply(plan: Plan, opts: ApplyOptions): Promise<RunResult> {
  const id = migrationIdOf(plan);
  if (opts.from && !plan.steps.some((s) => s.id === opts.from)) throw new RunnerError('PLAN_INVALID', `the plan has no step ${opts.from}`, 'give a step id from plan.md');
  const scope = inScope(plan, { ...(opts.until ? { until: opts.until } : {}), ...(opts.from ? { from: opts.from } : {}) });
  checkPlan(plan, scope);
  const open = await openRun(plan, opts, 'apply', { until: opts.until ?? null, from: opts.from ?? null, yes: opts.yes ?? false });
  const { run } = open;
  let outcome: Omit<RunResult, 'id'>;
  try {
    await reconcileInFlight(run);
    for (const call of run.state.inFlight.values()) {
      run.emit({ type: 'notice', step: call.step, level: 'warn', message: `the last run stopped during ${call.service ? `${call.service}:` : ''}${call.operation} (${call.key}); the step runs again and adopts what exists instead of repeating it` });
    }
    if (opts.from) {
      const missing = fromBlockers(plan, opts.from, run.state.done);
      if (missing.length > 0) throw new RunnerError('FROM_BLOCKED', `--from ${opts.from} would skip steps the journal does not show done: ${missing.join(', ')}`, 'the journal wins: run apply without --from to do them first');
    }
    outcome = await walk(run, scope);
    if (outcome.result === 'stopped') outcome = { ...outcome, reason: `stopped after ${opts.until ? `phase ${opts.until}` : `step ${opts.from}`}, as asked` };
  } catch (err) {
    const e = asRunnerError(run, err);
    outcome = { result: 'failed', reason: e.message, error: e };
  }
  run.record({ type: 'run-end', mode: 'apply', result: outcome.result === 'waiting' ? 'stopped' : outcome.result, reason: outcome.reason });
  run.emit({ type: 'end', mode: 'apply', result: outcome.result === 'waiting' ? 'stopped' : outcome.result, reason: outcome.reason });
  await closeRun(open);
  return { id, ...outcome };
}
