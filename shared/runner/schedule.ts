/**
 * Which steps may run now: the DAG's ready set for apply (every dependency done, within
 * `--until`'s phase and `--from`'s reach), the reverse order for rollback (a step is undone only
 * after every done step that depends on it), and the DAG's longest path for the benchmark.
 */

import { ancestors } from '../plan/dag.js';
import { PHASES, type Phase, type Plan, type PlanStep } from '../schema/plan.js';

export { ancestors as ancestorsOf };

/** Phases that stop at a confirmation gate: writes freeze on the box, traffic moves to AWS. */
export const GATED_PHASES: readonly Phase[] = ['freeze', 'switch-dns'];

export interface ApplyState {
  done: ReadonlySet<string>;
  running: ReadonlySet<string>;
  /** Steps that failed in this run: nothing downstream of them starts. */
  failed: ReadonlySet<string>;
}

export interface Scope {
  /** Last phase to run (inclusive). */
  until?: Phase;
  /** Only this step and what depends on it. */
  from?: string;
}

export function descendants(plan: Plan, id: string): Set<string> {
  const out = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    for (const s of plan.steps) if (s.dependsOn.includes(next) && !out.has(s.id)) (out.add(s.id), stack.push(s.id));
  }
  return out;
}

/** The steps a run covers: all, or those within `until`, or `from` and its descendants. */
export function inScope(plan: Plan, scope: Scope): Set<string> {
  const last = scope.until === undefined ? PHASES.length - 1 : PHASES.indexOf(scope.until);
  const reach = scope.from === undefined ? null : new Set([scope.from, ...descendants(plan, scope.from)]);
  return new Set(plan.steps.filter((s) => PHASES.indexOf(s.phase) <= last && (reach === null || reach.has(s.id))).map((s) => s.id));
}

/** Why `--from` cannot start there: the steps it would skip that the journal does not show done. */
export function fromBlockers(plan: Plan, from: string, done: ReadonlySet<string>): string[] {
  return [...ancestors(plan, from)].filter((id) => !done.has(id)).sort();
}

/** Steps whose dependencies are all done, in the plan's (topological) order. */
export function readySteps(plan: Plan, state: ApplyState, scope: Set<string>): PlanStep[] {
  return plan.steps.filter(
    (s) => scope.has(s.id) && !state.done.has(s.id) && !state.running.has(s.id) && !state.failed.has(s.id) && s.dependsOn.every((d) => state.done.has(d)),
  );
}

/** Whether the run has nothing left it could start (finished, or blocked by failures). */
export function exhausted(plan: Plan, state: ApplyState, scope: Set<string>): boolean {
  return state.running.size === 0 && readySteps(plan, state, scope).length === 0;
}

export interface UndoState {
  /** Steps the journal shows done (apply) and not yet undone. */
  toUndo: ReadonlySet<string>;
  running: ReadonlySet<string>;
  failed: ReadonlySet<string>;
}

/** Rollback's ready set: done steps none of whose done dependents still wait to be undone. */
export function undoReady(plan: Plan, state: UndoState): PlanStep[] {
  return [...plan.steps]
    .reverse()
    .filter(
      (s) =>
        state.toUndo.has(s.id) &&
        !state.running.has(s.id) &&
        !state.failed.has(s.id) &&
        plan.steps.every((d) => !d.dependsOn.includes(s.id) || !state.toUndo.has(d.id)),
    );
}

/** Length of the longest dependency chain, each step weighing `weight(step)`. */
export function longestPath(plan: Plan, weight: (s: PlanStep) => number): { total: number; path: string[] } {
  const best = new Map<string, { total: number; path: string[] }>();
  for (const s of plan.steps) {
    const prior = s.dependsOn.map((d) => best.get(d)).filter((x) => x !== undefined).sort((a, b) => b.total - a.total)[0];
    best.set(s.id, { total: (prior?.total ?? 0) + weight(s), path: [...(prior?.path ?? []), s.id] });
  }
  return [...best.values()].sort((a, b) => b.total - a.total)[0] ?? { total: 0, path: [] };
}
