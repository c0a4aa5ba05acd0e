/**
 * Assembles plan steps. Values produced by a step (an ARN, an endpoint) are registered under a
 * resource key; a later step that uses the key gets the value (a literal or a `$ref`) and an
 * edge to the producing step, so every reference points at an ancestor in the DAG.
 */

import type { ResourceRef } from '../schema/design.js';
import type { Action, Phase, PlanStep, Undo } from '../schema/plan.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface StepInput {
  id: string;
  phase: Phase;
  title: string;
  why: string;
  dependsOn?: string[];
  preconditions?: string[];
  actions: Action[];
  verify?: Action[];
  undo: Undo;
  pointOfNoReturn?: boolean;
  manual?: boolean;
  minutes: [number, number];
  inDowntime?: boolean;
}

interface Provided {
  value: Json;
  step: string;
}

export class PlanBuilder {
  readonly steps: PlanStep[] = [];
  private readonly provided = new Map<string, Provided>();
  private pending = new Set<string>();

  has(id: string): boolean {
    return this.steps.some((s) => s.id === id);
  }

  /** Registers a value a step produces: a step output (`$ref`) unless a literal is known. */
  provide(key: string, step: string, output: string, literal?: Json): void {
    this.provided.set(key, { value: literal ?? { $ref: `${step}.${output}` }, step });
  }

  /** The value for a key, recording an edge to its producer for the step being built. */
  use(key: string): Json {
    const p = this.provided.get(key);
    if (!p) throw new Error(`plan: nothing provides ${key}`);
    this.pending.add(p.step);
    return p.value;
  }

  /** Design values: plain strings stay, resource references become the producer's value. */
  value(v: string | ResourceRef): Json {
    return typeof v === 'string' ? v : this.use(`${v.resource}.${v.attribute}`);
  }

  optional(key: string): Json | undefined {
    return this.provided.has(key) ? this.use(key) : undefined;
  }

  /** Builds a step; the dependencies are the explicit ones plus every producer used while building it. */
  add(make: () => StepInput): string {
    this.pending = new Set();
    const s = make();
    const deps = new Set([...(s.dependsOn ?? []), ...this.pending]);
    deps.delete(s.id);
    for (const d of deps) if (!this.has(d)) throw new Error(`plan: ${s.id} depends on unknown step ${d}`);
    if (this.has(s.id)) throw new Error(`plan: duplicate step ${s.id}`);
    this.steps.push({
      id: s.id,
      phase: s.phase,
      title: s.title,
      why: s.why,
      dependsOn: [...deps].sort(),
      preconditions: s.preconditions ?? [],
      actions: s.actions,
      verify: s.verify ?? [],
      undo: s.undo,
      pointOfNoReturn: s.pointOfNoReturn ?? false,
      manual: s.manual ?? s.actions.every((a) => a.kind === 'manual' || a.kind === 'verify' || a.kind === 'wait'),
      durationMinutes: { min: s.minutes[0], max: s.minutes[1] },
      inDowntime: s.inDowntime ?? false,
    });
    return s.id;
  }

  /** Ids of the steps added so far in a phase (for phase barriers). */
  inPhase(phase: Phase): string[] {
    return this.steps.filter((s) => s.phase === phase).map((s) => s.id);
  }
}

export function aws(service: string, operation: string, params: { [key: string]: Json }, outputs: Record<string, string> = {}): Action {
  return { kind: 'aws', service, operation, params, outputs };
}

export function manual(instructions: string): Action {
  return { kind: 'manual', instructions };
}

export function verify(check: Extract<Action, { kind: 'verify' }>['check'], target: { [key: string]: Json }, expect: { [key: string]: Json }): Action {
  return { kind: 'verify', check, target, expect };
}

export function waitFor(what: string, waiter: { service: string; name: string; params: { [key: string]: Json } } | null, seconds: number | null = null): Action {
  return { kind: 'wait', what, seconds, waiter };
}

export const NOTHING_TO_UNDO = (reason: string): Undo => ({ kind: 'nothing', reason });

export function undoWith(summary: string, actions: Action[], verifyActions: Action[] = []): Undo {
  return { kind: 'actions', summary, actions, verify: verifyActions };
}

/** An output name from free text: letters, digits and underscores. */
export function outputName(prefix: string, text: string): string {
  return `${prefix}_${text.replace(/[^A-Za-z0-9]+/g, '_')}`;
}
