/**
 * Every file `skylift plan` writes, as relative path → content. Pure and byte-stable: the same
 * plan and design always give the same bytes (keys in a fixed order, no timestamps).
 */

import { answersFile } from '../mapping/index.js';
import type { TargetDesign } from '../schema/design.js';
import type { Plan } from '../schema/plan.js';
import { ebBundle } from './export-eb-bundle.js';
import { planMarkdown } from './export-markdown.js';
import { rollbackMarkdown } from './export-rollback.js';

export interface PlanExport {
  files: Record<string, string>;
}

export function exportPlan(plan: Plan, design: TargetDesign): PlanExport {
  const files: Record<string, string> = {
    'plan.md': planMarkdown(plan, design),
    'plan.json': `${JSON.stringify(plan, null, 2)}\n`,
    'rollback.md': rollbackMarkdown(plan, design),
    'answers.json': `${JSON.stringify(answersFile(design), null, 2)}\n`,
  };
  for (const env of design.resources.environments) Object.assign(files, ebBundle(design, env));
  return { files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) };
}
