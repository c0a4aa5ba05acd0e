import type { JournalState } from '../../../shared/runner/journal-state.js';
import type { PlanStep } from '../../../shared/schema/plan.js';
import type { Run } from './run.js';

/**
 * The write freeze as the journal tells it: from the moment writes stopped on the box (the first
 * action of `freeze-writes` that finished) to the moment AWS accepts them (`switch-dns` done).
 */

export const FREEZE_STEP = 'freeze-writes';
export const SWITCH_STEP = 'switch-dns';

export interface FreezeClock {
  writesStoppedAt: string;
  /** Null while the freeze lasts. */
  writesAcceptedAt: string | null;
  /** Up to now while it lasts. */
  seconds: number;
}

/** The step's own actions (`freeze-writes#<n>`), not its checks or its undo. */
const FREEZE_ACTION = new RegExp(`^${FREEZE_STEP}#\\d+`);

/** Null when writes were never stopped, or the freeze was undone. */
export function freezeClock(state: JournalState, now = Date.now()): FreezeClock | null {
  if (!state.done.has(FREEZE_STEP) && !state.interrupted.has(FREEZE_STEP) && !state.failed.has(FREEZE_STEP)) return null;
  const finished = [...state.results.values()].filter((r) => r.ok && FREEZE_ACTION.test(r.key)).map((r) => r.at).sort();
  const stopped = finished[0] ?? (state.done.has(FREEZE_STEP) ? state.doneAt.get(FREEZE_STEP) : undefined);
  if (!stopped) return null;
  const accepted = state.done.has(SWITCH_STEP) ? (state.doneAt.get(SWITCH_STEP) ?? null) : null;
  const end = accepted ? Date.parse(accepted) : now;
  return { writesStoppedAt: stopped, writesAcceptedAt: accepted, seconds: Math.max(0, Math.round((end - Date.parse(stopped)) / 1000)) };
}

export function describeFreeze(clock: FreezeClock): string {
  return clock.writesAcceptedAt
    ? `write freeze ${clock.seconds} s: writes stopped on the box at ${clock.writesStoppedAt}, AWS accepted them at ${clock.writesAcceptedAt}`
    : `write freeze running for ${clock.seconds} s: writes stopped on the box at ${clock.writesStoppedAt}`;
}

/** After each step of an apply: journals the two moments and reports the freeze as it runs. */
export function reportFreeze(run: Run, step: PlanStep): void {
  const clock = freezeClock(run.state);
  if (!clock) return;
  const key = step.id === FREEZE_STEP ? `freeze:writes-stopped:${clock.writesStoppedAt}` : step.id === SWITCH_STEP ? `freeze:writes-accepted:${clock.writesAcceptedAt ?? ''}` : null;
  if (key && !run.state.notedAt.has(key)) run.record({ type: 'note', step: step.id, key, message: describeFreeze(clock) });
  if (key || !clock.writesAcceptedAt) run.emit({ type: 'notice', step: step.id, level: 'info', message: describeFreeze(clock) });
}
