import type { ProjectState } from '../../../shared/ipc/project.js';
import { mapInventories } from '../../../shared/mapping/index.js';
import { buildPlan } from '../../../shared/plan/index.js';
import { AWS_KEYS_FILE, hasFile, SOURCE_SECRETS_FILE } from '../../engine/projects/project-secrets.js';
import { readCutoverState } from '../../engine/projects/cutover-state.js';
import type { HandlerDeps } from './deps.js';

/**
 * A project as the wizard shows it. The design is derived from the inventories and the user's
 * answers (pure and fast); after a change the plan is derived again and written to plan.json,
 * until the cutover starts: from then on plan.json is fixed, and it is what runs.
 */
export async function projectState(deps: Pick<HandlerDeps, 'store'>, id: string, opts: { savePlan?: boolean } = {}): Promise<ProjectState> {
  const { store } = deps;
  const [meta, inventories, answers] = await Promise.all([store.meta(id), store.inventories(id), store.answers(id)]);
  const dir = store.dir(id);
  const saved = await store.plan(id);
  const cutover = saved ? readCutoverState(dir, saved.migration.name) : null;
  const design = inventories.length > 0 ? mapInventories(inventories, answers) : null;
  const derived = design ? buildPlan(design) : null;
  const replan = derived !== null && opts.savePlan === true && cutover === null;
  if (replan) await store.savePlan(id, derived);
  // The plan is what plan.json holds: what was last reviewed, and what the cutover runs.
  const plan = replan ? derived : (saved ?? derived);
  return {
    meta,
    savedSourceSecret: await hasFile(dir, SOURCE_SECRETS_FILE),
    savedAwsKeys: await hasFile(dir, AWS_KEYS_FILE),
    inventories,
    answers,
    design,
    plan,
    cutover,
  };
}
