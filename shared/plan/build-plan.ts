/**
 * Design → Plan: the steps of every phase, in a stable topological order, with the downtime
 * window summed and the open blockers that keep the plan from being applied.
 */

import { tags } from '../mapping/names.js';
import type { TargetDesign } from '../schema/design.js';
import { PHASES, PLAN_SCHEMA_VERSION, type Plan } from '../schema/plan.js';
import { PlanBuilder } from './builder.js';
import { topologicalOrder } from './dag.js';
import { cutoverSteps } from './steps-cutover.js';
import { copySteps, finalSyncSteps, freezeSteps, stopBoxAppsStep } from './steps-data.js';
import { dataStoreSteps } from './steps-data-stores.js';
import { deploySteps } from './steps-deploy.js';
import { ebSteps } from './steps-eb.js';
import { closeCopyPathStep, networkSteps } from './steps-network.js';
import { prepareSteps } from './steps-prepare.js';

export function buildPlan(design: TargetDesign): Plan {
  const b = new PlanBuilder();
  prepareSteps(b, design);
  networkSteps(b, design);
  dataStoreSteps(b, design);
  ebSteps(b, design);
  copySteps(b, design);
  deploySteps(b, design);
  freezeSteps(b, design);
  finalSyncSteps(b, design);
  cutoverSteps(b, design);
  stopBoxAppsStep(b, design);
  closeCopyPathStep(b, design);
  const steps = topologicalOrder(b.steps);
  const downtime = steps.filter((s) => s.inDowntime);
  const open = design.blockers.filter((x) => x.resolution === null);
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'skylift-plan',
    migration: {
      name: design.migration.name,
      region: design.migration.region,
      accountId: design.migration.accountId,
      tablesAsOf: design.migration.tablesAsOf,
      sources: design.migration.sources.map((s) => ({ label: s.label, collectedAt: s.collectedAt })),
    },
    applicable: open.length === 0,
    openBlockers: open.map((x) => ({ id: x.id, title: x.title, answerKey: x.answerKey })),
    tags: tags(design.migration.name),
    phases: PHASES.filter((p) => steps.some((s) => s.phase === p)),
    steps,
    downtime: { steps: downtime.map((s) => s.id), maxMinutes: downtime.reduce((n, s) => n + s.durationMinutes.max, 0) },
  };
}
