/**
 * Every bundled sample's plan, with each copy-path choice, is consistent for the runner: every
 * output readable and every reference to a step it depends on. (Which features the runner cannot
 * carry out yet is a separate, named refusal: UNSUPPORTED_OPERATION.)
 */
import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../../electron/engine/runner/errors.js';
import { checkPlan } from '../../../electron/engine/runner/plan-check.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import { runPlan } from '../plan/run-plan.js';

const VARIANTS: Record<string, Record<string, string>> = {
  default: {},
  'public copy path': { 'network.copyPath': 'public-locked' },
  'replication through the box firewall': { 'network.replicationPath': 'box-allow-list' },
};

/** Samples whose every step the runner can carry out (their cron jobs included, as EventBridge schedules): no refusal at all. */
const FULLY_SUPPORTED = new Set(['mysql57-redis-apache', 'node12-uploads-crons']);

describe('sample plans are consistent for the runner', () => {
  for (const [name, inventory] of Object.entries(SAMPLES)) {
    for (const [variant, answers] of Object.entries(VARIANTS)) {
      it(`${name}, ${variant}`, () => {
        const { plan } = runPlan([inventory], answers);
        // Blockers are the person's to answer; the check runs on everything else.
        const open = { ...plan, applicable: true, openBlockers: [] };
        const err = (() => {
          try {
            checkPlan(open, new Set(plan.steps.map((s) => s.id)));
            return null;
          } catch (e) {
            return e as RunnerError;
          }
        })();
        expect(err?.code === 'PLAN_INVALID' ? err.message : null).toBeNull();
        if (FULLY_SUPPORTED.has(name)) expect(err?.message ?? null).toBeNull();
      });
    }
  }
});
