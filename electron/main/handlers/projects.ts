import type { Handlers } from './dispatch.js';
import type { HandlerDeps } from './deps.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import { projectState } from './project-state.js';
import { UiFailure } from './ui-error.js';

export function projectHandlers(deps: HandlerDeps): Pick<Handlers, 'projects:list' | 'projects:create' | 'projects:open' | 'projects:set-step'> {
  const { store } = deps;
  return {
    'projects:list': () => store.list(),
    'projects:create': async ({ name, sample }) => {
      if (sample === undefined) return projectState(deps, (await store.create(name, { kind: 'box', settings: null })).id);
      const inventory = SAMPLES[sample];
      if (!inventory) throw new UiFailure('NO_SUCH_SAMPLE', `there is no sample box "${sample}"`, `pick one of: ${Object.keys(SAMPLES).join(', ')}`);
      const meta = await store.create(name, { kind: 'sample', sample });
      await store.saveInventories(meta.id, [inventory]);
      return projectState(deps, meta.id, { savePlan: true });
    },
    'projects:open': ({ projectId }) => projectState(deps, projectId),
    'projects:set-step': async ({ projectId, step }) => {
      await store.updateMeta(projectId, (m) => ({ ...m, step }));
      return projectState(deps, projectId);
    },
  };
}
