/** Plan building and exports: design → Plan → files. */
export { buildPlan } from './build-plan.js';
export { topologicalOrder } from './dag.js';
export { exportPlan, type PlanExport } from './export-plan.js';
