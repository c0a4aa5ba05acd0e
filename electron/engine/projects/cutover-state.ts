import { join } from 'node:path';
import type { CutoverState } from '../../../shared/ipc/runner-event.js';
import { journalState } from '../../../shared/runner/journal-state.js';
import { Journal, migrationDir } from '../runner/journal.js';

/** The runner's data home for a project: its migrations (journal, lock, plan copy) live in the project folder. */
export const runnerHome = (projectDir: string): string => join(projectDir, 'runner');

/** Where a project's cutover stands, from its journal; null when it never started. */
export function readCutoverState(projectDir: string, migrationId: string): CutoverState | null {
  const records = Journal.read(migrationDir(migrationId, runnerHome(projectDir)));
  if (records.length === 0) return null;
  const state = journalState(records);
  let lastRun: CutoverState['lastRun'] = null;
  for (const r of records) {
    if (r.type === 'run') lastRun = { mode: r.mode, result: null, reason: null };
    else if (r.type === 'run-end') lastRun = { mode: r.mode, result: r.result, reason: r.reason };
  }
  return {
    migrationId,
    done: [...state.done],
    failed: [...state.failed].map(([step, f]) => ({ step, error: f.error, hint: f.hint })),
    interrupted: [...state.interrupted],
    undone: [...state.undone],
    lastRun,
  };
}
