/**
 * Every bundled sample's plan, with each copy-path choice, is one the runner carries out: every
 * call registered, every data move one it knows, every output readable and every reference to a
 * step it depends on. (Blockers stay the person's to answer.)
 */
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../../electron/engine/runner/plan-check.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import { runPlan } from '../plan/run-plan.js';

const VARIANTS: Record<string, Record<string, string>> = {
  default: {},
  'public copy path': { 'network.copyPath': 'public-locked' },
  'replication through the box firewall': { 'network.replicationPath': 'box-allow-list' },
};

describe('sample plans pass the runner\'s plan check', () => {
  for (const [name, inventory] of Object.entries(SAMPLES)) {
    for (const [variant, answers] of Object.entries(VARIANTS)) {
      it(`${name}, ${variant}`, () => {
        const { plan } = runPlan([inventory], answers);
        const open = { ...plan, applicable: true, openBlockers: [] };
        expect(() => checkPlan(open, new Set(plan.steps.map((s) => s.id)))).not.toThrow();
      });
    }
  }
});
