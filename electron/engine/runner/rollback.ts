import { undoReady } from '../../../shared/runner/schedule.js';
import type { JournalState } from '../../../shared/runner/journal-state.js';
import type { Action, Plan, PlanStep } from '../../../shared/schema/plan.js';
import type { RunResult } from './apply.js';
import { RunnerError } from './errors.js';
import { canCopy } from './exec-data.js';
import { asRunnerError, executeActions, inStep, StopRun } from './exec-step.js';
import { closeRun, openRun, savedPlan } from './migration.js';
import { reconcileInFlight } from './reconcile.js';
import type { Run, RunnerOptions } from './run.js';

export interface RollbackOptions extends RunnerOptions {
  /** Delete RDS instances without the final snapshot the plan keeps. */
  noFinalSnapshot?: boolean;
  /** Go back even though writes made on AWS since the switch cannot be copied back. */
  acceptDataLoss?: boolean;
}

/** What a rollback would do now, from the journal: shown before it starts (the desktop app), enforced when it runs. */
export interface RollbackPreview {
  /** Applied steps, and started ones left half done, latest first. */
  steps: string[];
  /** Touched steps that cannot be undone at all: a rollback refuses while there are any. */
  irreversible: { step: string; reason: string }[];
  /** Done steps past the point of no return. */
  pastReturn: string[];
  /** Copies back to the box the runner cannot make: the writes they carry are lost unless copied by hand. */
  lostWrites: string[];
}

export function rollbackPreview(plan: Plan, state: JournalState): RollbackPreview {
  const touched = plan.steps.filter((s) => state.done.has(s.id) || state.startedAt.has(s.id));
  const pastReturn = touched.filter((s) => state.done.has(s.id) && s.pointOfNoReturn);
  return {
    steps: touched.map((s) => s.id).reverse(),
    irreversible: touched.flatMap((s) => (s.undo.kind === 'irreversible' ? [{ step: s.id, reason: s.undo.reason }] : [])),
    pastReturn: pastReturn.map((s) => s.id),
    lostWrites: pastReturn.flatMap((s) => (s.undo.kind === 'actions' ? s.undo.actions : []).flatMap((a) => (a.kind === 'data-copy' && !canCopy(a) ? [`${s.id}: ${a.engine} ${a.method}`] : []))),
  };
}

/** The undo actions as this rollback runs them: without the final snapshot if asked, without the copy back if its loss is accepted. */
function undoActions(step: PlanStep, opts: RollbackOptions): Action[] {
  if (step.undo.kind !== 'actions') return [];
  return step.undo.actions
    .filter((a) => !(opts.acceptDataLoss && a.kind === 'data-copy' && !canCopy(a)))
    .map((a) => {
      if (!opts.noFinalSnapshot || a.kind !== 'aws' || a.operation !== 'DeleteDBInstance') return a;
      const { FinalDBSnapshotIdentifier: _drop, ...params } = a.params;
      return { ...a, params: { ...params, SkipFinalSnapshot: true } };
    });
}

function refuse(preview: RollbackPreview, opts: RollbackOptions): void {
  const [first] = preview.irreversible;
  if (first) {
    throw new RunnerError('POINT_OF_NO_RETURN', `${preview.irreversible.map((g) => g.step).join(', ')} cannot be undone: ${first.reason}`, 'nothing was changed; going back now means rebuilding from the final snapshot by hand');
  }
  if (preview.lostWrites.length > 0 && !opts.acceptDataLoss) {
    throw new RunnerError(
      'POINT_OF_NO_RETURN',
      `writes have landed on AWS since ${preview.pastReturn.join(', ')}, and the runner cannot copy them back (${preview.lostWrites.join('; ')})`,
      'copy the data back by hand first (rollback.md lists how), then run rollback with --accept-data-loss; or run it now with --accept-data-loss to lose those writes',
    );
  }
}

function undoStep(run: Run, step: PlanStep, opts: RollbackOptions): Promise<void> {
  return inStep(run, step, 'undo', async (budget) => {
    if (step.undo.kind === 'actions') await executeActions({ run, step, budget, undo: true }, `${step.id}#undo`, undoActions(step, opts), step.undo.verify);
  });
}

/** `skylift rollback`: undoes what a migration did, latest first (DNS, then the deployment, then the resources); journaled and resumable. */
export async function rollback(id: string, opts: RollbackOptions): Promise<RunResult> {
  const plan = savedPlan(id, opts.home);
  const open = await openRun(plan, opts, 'rollback', { noFinalSnapshot: opts.noFinalSnapshot ?? false, acceptDataLoss: opts.acceptDataLoss ?? false, yes: opts.yes ?? false });
  const { run } = open;
  let outcome: Omit<RunResult, 'id'> = { result: 'completed', reason: null, error: null };
  try {
    await reconcileInFlight(run);
    const preview = rollbackPreview(plan, run.state);
    refuse(preview, opts);
    const toUndo = new Set(preview.steps);
    const running = new Map<string, Promise<void>>();
    const failed = new Set<string>();
    let stop: Omit<RunResult, 'id'> | null = null;
    const limit = Math.max(1, opts.concurrency ?? 8);
    for (;;) {
      if (!stop) {
        for (const step of undoReady(plan, { toUndo, running: new Set(running.keys()), failed })) {
          if (running.size >= limit) break;
          running.set(
            step.id,
            undoStep(run, step, opts).then(
              () => {
                running.delete(step.id);
                toUndo.delete(step.id);
              },
              (err: unknown) => {
                running.delete(step.id);
                failed.add(step.id);
                if (err instanceof StopRun) stop ??= { result: 'waiting', reason: err.message, error: null };
                else stop = { result: 'failed', reason: (err as Error).message, error: asRunnerError(run, err) };
              },
            ),
          );
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (stop) outcome = stop;
    else if (toUndo.size > 0) outcome = { result: 'failed', reason: `could not undo: ${[...toUndo].join(', ')}`, error: null };
  } catch (err) {
    const e = asRunnerError(run, err);
    outcome = { result: 'failed', reason: e.message, error: e };
  }
  run.record({ type: 'run-end', mode: 'rollback', result: outcome.result === 'waiting' ? 'stopped' : outcome.result, reason: outcome.reason });
  run.emit({ type: 'end', mode: 'rollback', result: outcome.result === 'waiting' ? 'stopped' : outcome.result, reason: outcome.reason });
  await closeRun(open);
  return { id, ...outcome };
}
