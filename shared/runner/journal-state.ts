/**
 * What a journal says: which steps are done (and not undone), which failed, the outputs every
 * step produced, the calls made and those whose outcome never got written (a crash between
 * intent and outcome: the ones to reconcile with AWS).
 */

import type { CallRecord, DnsBeforeRecord, JournalRecord, MigrationRecord, ResultRecord } from '../schema/journal.js';
import type { Json } from './jmespath.js';

export interface JournalState {
  migration: MigrationRecord | null;
  /** Applied and not undone. */
  done: Set<string>;
  /** Undone by a rollback (and not applied again since). */
  undone: Set<string>;
  /** Whose last event is a failure. */
  failed: Map<string, { error: string | null; hint: string | null }>;
  /** Started (apply) and neither done nor failed: a run ended inside them. */
  interrupted: Set<string>;
  /** Gates a person (or --yes) confirmed. */
  gates: Set<string>;
  /** When each step was first started in its current attempt (ISO). */
  startedAt: Map<string, string>;
  doneAt: Map<string, string>;
  outputs: Map<string, Record<string, Json>>;
  /** Latest successful result per action key. */
  results: Map<string, ResultRecord>;
  /** Calls with no result, by seq: made or not, nobody knows yet. */
  inFlight: Map<number, CallRecord>;
  calls: CallRecord[];
  dnsBefore: DnsBeforeRecord[];
  /** When a keyed note was first written (a fixed wait's start survives a crash). */
  notedAt: Map<string, string>;
  lastSeq: number;
}

export const stepOfKey = (key: string): string => key.split('#')[0]!;

export function emptyJournalState(): JournalState {
  return {
    migration: null,
    done: new Set(),
    undone: new Set(),
    failed: new Map(),
    interrupted: new Set(),
    gates: new Set(),
    startedAt: new Map(),
    doneAt: new Map(),
    outputs: new Map(),
    results: new Map(),
    inFlight: new Map(),
    calls: [],
    dnsBefore: [],
    notedAt: new Map(),
    lastSeq: -1,
  };
}

/** Folds one record into the state (records in journal order). */
export function applyRecord(s: JournalState, r: JournalRecord): void {
  {
    s.lastSeq = Math.max(s.lastSeq, r.seq);
    switch (r.type) {
      case 'migration':
        s.migration = r;
        break;
      case 'step':
        switch (r.event) {
          case 'start':
            if (!s.interrupted.has(r.step) && !s.failed.has(r.step)) s.startedAt.set(r.step, r.at);
            s.interrupted.add(r.step);
            s.failed.delete(r.step);
            break;
          case 'done':
            s.done.add(r.step);
            s.undone.delete(r.step);
            s.interrupted.delete(r.step);
            s.failed.delete(r.step);
            s.doneAt.set(r.step, r.at);
            break;
          case 'failed':
          case 'undo-failed':
            s.interrupted.delete(r.step);
            s.failed.set(r.step, { error: r.error, hint: r.hint });
            break;
          case 'gate':
            s.gates.add(r.step);
            break;
          case 'undo-start':
            s.failed.delete(r.step);
            break;
          case 'undone':
            s.done.delete(r.step);
            s.undone.add(r.step);
            s.failed.delete(r.step);
            s.startedAt.delete(r.step);
            s.doneAt.delete(r.step);
            for (const g of [...s.gates]) if (stepOfKey(g) === r.step) s.gates.delete(g);
            // A step applied again after a rollback starts from scratch.
            for (const key of [...s.results.keys()]) if (stepOfKey(key) === r.step) s.results.delete(key);
            for (const key of [...s.notedAt.keys()]) if (stepOfKey(key) === r.step) s.notedAt.delete(key);
            break;
        }
        break;
      case 'call':
        s.calls.push(r);
        s.inFlight.set(r.seq, r);
        break;
      case 'result': {
        s.inFlight.delete(r.call);
        if (!r.ok) break;
        s.results.set(r.key, r);
        const step = stepOfKey(r.key);
        s.outputs.set(step, { ...(s.outputs.get(step) ?? {}), ...(r.outputs as Record<string, Json>) });
        break;
      }
      case 'note':
        if (r.key !== null && !s.notedAt.has(r.key)) s.notedAt.set(r.key, r.at);
        break;
      case 'dns-before':
        if (!s.dnsBefore.some((d) => d.zone === r.zone && d.name === r.name)) s.dnsBefore.push(r);
        break;
      default:
        break;
    }
  }
}

export function journalState(records: readonly JournalRecord[]): JournalState {
  const s = emptyJournalState();
  for (const r of records) applyRecord(s, r);
  return s;
}
