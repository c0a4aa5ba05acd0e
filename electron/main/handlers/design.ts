import { assertPlanOpen } from './cutover.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import { projectState } from './project-state.js';

export function designHandlers(deps: HandlerDeps): Pick<Handlers, 'design:answer'> {
  return {
    /** Merges the answers given, drops the ones cleared (back to the planner's default), re-plans. */
    'design:answer': async ({ projectId, answers, clear }) => {
      await assertPlanOpen(deps, projectId);
      const current = await deps.store.answers(projectId);
      const next = { ...current, ...answers };
      for (const key of clear) delete next[key];
      await deps.store.saveAnswers(projectId, next);
      return projectState(deps, projectId, { savePlan: true });
    },
  };
}
