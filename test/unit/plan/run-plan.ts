/** Test helper: inventories + answers → design, plan and exported files, as `skylift plan` does. */

import type { Answers } from '../../../shared/schema/answers.js';
import type { Inventory } from '../../../shared/schema/inventory.js';
import { mapInventories } from '../../../shared/mapping/index.js';
import { buildPlan, exportPlan } from '../../../shared/plan/index.js';

export function runPlan(inventories: Inventory[], answers: Answers = {}) {
  const design = mapInventories(inventories, answers);
  const plan = buildPlan(design);
  return { design, plan, files: exportPlan(plan, design).files };
}
