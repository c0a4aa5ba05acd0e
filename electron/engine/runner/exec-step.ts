import type { Json } from '../../../shared/runner/jmespath.js';
import type { Action, PlanStep } from '../../../shared/schema/plan.js';
import { automatic, verifyAction } from './checks.js';
import { journaled } from './effect.js';
import { awsAction } from './exec-aws.js';
import { dataCopyAction } from './exec-data.js';
import { dnsAction } from './exec-dns.js';
import { MissingOutput, RunnerError } from './errors.js';
import { reportFreeze } from './freeze-clock.js';
import type { Budget, Run } from './run.js';
import { waitAction } from './waits.js';

/** A run that ended where a person must act (a gate, a manual step): not a failure. */
export class StopRun extends Error {
  override readonly name = 'StopRun';
}

/** A confirmation journaled once: a resume does not ask again. */
export async function confirmed(run: Run, gate: string, question: string): Promise<boolean> {
  if (run.state.gates.has(gate)) return true;
  if (run.opts.yes || (run.opts.confirm && (await run.opts.confirm(question)))) {
    run.record({ type: 'step', event: 'gate', step: gate });
    return true;
  }
  return false;
}

/** Whether the runner can tell by itself that a manual action was done: a later wait or check in the step. */
function checkedLater(actions: Action[], verify: Action[], index: number): boolean {
  return [...actions.slice(index + 1), ...verify].some((a) => (a.kind === 'verify' && automatic(a)) || (a.kind === 'wait' && a.waiter !== null));
}

async function manualAction(run: Run, step: PlanStep, key: string, instructions: string, checked: boolean): Promise<void> {
  run.emit({ type: 'manual', step: step.id, instructions });
  if (!run.state.notedAt.has(key)) run.record({ type: 'note', step: step.id, key, message: `manual: ${instructions}` });
  if (checked) return;
  if (await confirmed(run, key, `${step.id}: ${instructions}\nIs it done?`)) return;
  throw new StopRun(`waiting for a manual action in ${step.id}: ${instructions} — when it is done, run apply again and confirm (or pass --yes)`);
}

export interface ActionContext {
  run: Run;
  step: PlanStep;
  budget: Budget;
  /** Undo actions put back what the journal saved (DNS records). */
  undo: boolean;
}

async function execute(ctx: ActionContext, key: string, action: Action, reuse: boolean, checked: boolean): Promise<void> {
  const { run, step, budget } = ctx;
  switch (action.kind) {
    case 'aws':
      await awsAction(run, step, key, action, budget, reuse, ctx.undo);
      return;
    case 'dns':
      await dnsAction(run, step, key, action, budget, ctx.undo);
      return;
    case 'wait':
      await waitAction(run, step, key, action, budget);
      return;
    case 'verify':
      if (automatic(action)) await verifyAction(run, step, key, action, budget);
      else await manualAction(run, step, key, `check by hand (${action.check}): ${JSON.stringify(action.target)} → ${JSON.stringify(action.expect)}`, false);
      return;
    case 'manual':
      await manualAction(run, step, key, action.instructions, checked);
      return;
    case 'remote':
      await journaled(run, step.id, key, { kind: 'remote', service: null, operation: action.command, params: { host: action.host, sudo: action.sudo }, token: null }, async () => {
        const stdout = (await run.boxes.exec(action.host, action.command, action.sudo, run.opts.signal)).trim();
        return { outputs: Object.fromEntries(Object.keys(action.outputs).map((name) => [name, stdout as Json])) };
      }, reuse);
      return;
    case 'data-copy':
      await dataCopyAction(ctx, key, action, reuse);
      return;
  }
}

/** A list of actions in order, then its checks; effects the journal shows done in this attempt are not repeated. Keys: `<prefix>#<n>`, `<prefix>#verify#<n>`. */
export async function executeActions(ctx: ActionContext, prefix: string, actions: Action[], verify: Action[]): Promise<void> {
  for (const [i, action] of actions.entries()) {
    ctx.run.checkCancelled();
    try {
      await execute(ctx, `${prefix}#${i}`, action, true, checkedLater(actions, verify, i));
    } catch (err) {
      // Undoing a step that stopped half way: what its missing output names was never made.
      if (!(ctx.undo && err instanceof MissingOutput)) throw err;
      ctx.run.record({ type: 'note', step: ctx.step.id, key: `${prefix}#${i}`, message: `nothing to undo for action ${i}: ${err.step}.${err.output} was never produced` });
    }
  }
  for (const [i, action] of verify.entries()) await execute(ctx, `${prefix}#verify#${i}`, action, false, false);
}

export function unsupported(step: PlanStep, what: string): RunnerError {
  return new RunnerError('UNSUPPORTED_OPERATION', `${step.id}: the runner cannot ${what} yet`, 'do it by hand as the runbook (plan.md) describes, then run apply again with --from the next step');
}

const EVENTS = {
  apply: { start: 'start', done: 'done', failed: 'failed' },
  undo: { start: 'undo-start', done: 'undone', failed: 'undo-failed' },
} as const;

/** A step (or its undo) from start to end: journaled and reported; a failure is journaled with its way out, a stop for a person is not a failure. */
export async function inStep(run: Run, step: PlanStep, mode: keyof typeof EVENTS, body: (budget: Budget) => Promise<void>): Promise<void> {
  const ev = EVENTS[mode];
  const budget = run.budgetFor(step);
  const expectedMs: [number, number] = [run.scaled(step.durationMinutes.min * 60_000), run.scaled(step.durationMinutes.max * 60_000)];
  const report = { step: step.id, phase: step.phase, title: step.title, expectedMs };
  run.record({ type: 'step', event: ev.start, step: step.id });
  run.emit({ type: 'step', ...report, status: ev.start, elapsedMs: 0 });
  try {
    await body(budget);
    run.record({ type: 'step', event: ev.done, step: step.id });
    run.emit({ type: 'step', ...report, status: ev.done, elapsedMs: budget.elapsed() });
    if (mode === 'apply') reportFreeze(run, step);
  } catch (err) {
    if (err instanceof StopRun) throw err;
    const e = asRunnerError(run, err);
    run.record({ type: 'step', event: ev.failed, step: step.id, error: e.message, hint: e.hint });
    run.emit({ type: 'step', ...report, status: ev.failed, elapsedMs: budget.elapsed(), error: e.message, hint: e.hint });
    throw e;
  }
}

export function asRunnerError(run: Run | null, err: unknown): RunnerError {
  if (err instanceof RunnerError) return err;
  const message = (err as Error)?.message ?? String(err);
  const hint = (err as { hint?: string })?.hint;
  return new RunnerError('STEP_FAILED', run ? run.scrub(message) : message, hint ?? 'fix the cause and run again: what is done is not repeated', { cause: err });
}
