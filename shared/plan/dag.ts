/**
 * The plan as a graph: a topological order (stable: phase order, then the order steps were
 * added), and the checks every plan must pass — no cycle, no edge to a missing step, no
 * reference to a step that is not an ancestor.
 */

import { PHASES, type Plan, type PlanStep } from '../schema/plan.js';

/** Kahn's algorithm; throws on a cycle or an unknown dependency. */
export function topologicalOrder(steps: PlanStep[]): PlanStep[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const rank = (s: PlanStep) => PHASES.indexOf(s.phase) * 100000 + steps.indexOf(s);
  const indegree = new Map(steps.map((s) => [s.id, 0]));
  for (const s of steps) {
    for (const dep of s.dependsOn) {
      if (!byId.has(dep)) throw new Error(`plan: ${s.id} depends on unknown step ${dep}`);
      indegree.set(s.id, (indegree.get(s.id) ?? 0) + 1);
    }
  }
  const ready = steps.filter((s) => indegree.get(s.id) === 0);
  const order: PlanStep[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank(a) - rank(b));
    const next = ready.shift() as PlanStep;
    order.push(next);
    for (const s of steps) {
      if (!s.dependsOn.includes(next.id)) continue;
      const left = (indegree.get(s.id) ?? 0) - 1;
      indegree.set(s.id, left);
      if (left === 0) ready.push(s);
    }
  }
  if (order.length !== steps.length) {
    const stuck = steps.filter((s) => !order.includes(s)).map((s) => s.id);
    throw new Error(`plan: dependency cycle among ${stuck.join(', ')}`);
  }
  return order;
}

/** Every step id a step transitively depends on. */
export function ancestors(plan: Plan, id: string): Set<string> {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next)?.dependsOn ?? []));
  }
  return seen;
}

/** Every `{ "$ref": "step.output" }` in a value. */
export function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    const ref = (value as Record<string, unknown>).$ref;
    return [...(typeof ref === 'string' ? [ref] : []), ...Object.values(value).flatMap(refsIn)];
  }
  return [];
}
