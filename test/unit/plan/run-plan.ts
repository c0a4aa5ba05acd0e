/** Test helper: inventories + answers → design, plan and exported files, as `skylift plan` does. */

import type { Answers } from '../../../shared/schema/answers.js';
import type { Inventory } from '../../../shared/schema/inventory.js';
import type { Plan, PlanStep } from '../../../shared/schema/plan.js';
import { mapInventories } from '../../../shared/mapping/index.js';
import { buildPlan, exportPlan } from '../../../shared/plan/index.js';
import { SAMPLES } from '../../../shared/samples/index.js';

/** A bundled sample inventory, as a copy a test may change. */
export const sample = (name: string): Inventory => structuredClone(SAMPLES[name] as Inventory);

export const step = (plan: Plan, id: string): PlanStep => {
  const s = plan.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}; have ${plan.steps.map((x) => x.id).join(', ')}`);
  return s;
};

export function runPlan(inventories: Inventory[], answers: Answers = {}) {
  const design = mapInventories(inventories, answers);
  const plan = buildPlan(design);
  return { design, plan, files: exportPlan(plan, design).files };
}
