import type { RollbackPreview } from '../../../shared/ipc/rollback.js';
import { journalState } from '../../../shared/runner/journal-state.js';
import type { Plan, PlanStep } from '../../../shared/schema/plan.js';
import { runnerHome } from '../../engine/projects/cutover-state.js';
import { Journal, migrationDir } from '../../engine/runner/journal.js';
import { migrationIdOf } from '../../engine/runner/plan-check.js';
import { rollback, rollbackPreview } from '../../engine/runner/rollback.js';
import { failedRun, projectRunner } from './cutover.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import type { Jobs } from './jobs.js';
import { UiFailure } from './ui-error.js';

export const undoText = (step: PlanStep): string => (step.undo.kind === 'actions' ? step.undo.summary : step.undo.kind === 'nothing' ? `nothing to undo (${step.undo.reason})` : `cannot be undone: ${step.undo.reason}`);

/** The engine's preview from the journal, with the titles and undo summaries the window shows. */
function preview(deps: HandlerDeps, projectId: string, plan: Plan): RollbackPreview {
  const state = journalState(Journal.read(migrationDir(migrationIdOf(plan), runnerHome(deps.store.dir(projectId)))));
  const p = rollbackPreview(plan, state);
  const steps = p.steps.map((id) => plan.steps.find((s) => s.id === id)!);
  return {
    steps: steps.map((s) => ({ id: s.id, title: s.title, phase: s.phase, undo: undoText(s), halfDone: !state.done.has(s.id) })),
    irreversible: p.irreversible,
    pastReturn: p.pastReturn,
    lostWrites: p.lostWrites,
    deletesDatabases: steps.some((s) => s.undo.kind === 'actions' && s.undo.actions.some((a) => a.kind === 'aws' && a.operation === 'DeleteDBInstance')),
  };
}

async function startedPlan(deps: HandlerDeps, projectId: string): Promise<Plan> {
  const plan = await deps.store.plan(projectId);
  if (!plan) throw new UiFailure('NO_PLAN', 'there is no plan, so nothing to roll back', 'nothing was changed on AWS for this project');
  return plan;
}

export function rollbackHandlers(deps: HandlerDeps, jobs: Jobs): Pick<Handlers, 'rollback:preview' | 'rollback:start'> {
  return {
    'rollback:preview': async ({ projectId }) => preview(deps, projectId, await startedPlan(deps, projectId)),
    'rollback:start': async ({ projectId, acceptDataLoss, finalSnapshot }) => {
      const p = preview(deps, projectId, await startedPlan(deps, projectId));
      // Refused here in the window's own terms; the runner refuses the same way if asked directly.
      if (p.steps.length === 0) throw new UiFailure('NOTHING_TO_ROLL_BACK', 'the journal shows nothing done on AWS: there is nothing to undo', 'start the cutover when you are ready; nothing needs going back');
      if (p.irreversible.length > 0) throw new UiFailure('POINT_OF_NO_RETURN', `${p.irreversible.map((g) => g.step).join(', ')} cannot be undone: ${p.irreversible[0]!.reason}`, 'nothing was changed; going back now means rebuilding from the final snapshot by hand (rollback.md)');
      if (p.lostWrites.length > 0 && !acceptDataLoss) {
        throw new UiFailure('POINT_OF_NO_RETURN', `writes made on AWS since ${p.pastReturn.join(', ')} cannot be copied back by Skylift (${p.lostWrites.join('; ')})`, 'copy them back by hand first (the rollback checklist says how), or tick "Go back and lose those writes"');
      }
      const { plan, options } = await projectRunner(deps, projectId);
      const id = migrationIdOf(plan);
      return { jobId: jobs.start(async (job) => failedRun(await rollback(id, { ...options(job), acceptDataLoss, noFinalSnapshot: !finalSnapshot }), 'rollback')) };
    },
  };
}
