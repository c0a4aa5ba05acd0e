import type { Phase } from '../../../shared/schema/plan.js';

/** What a run reports while it goes: the CLI renders it as bars or JSON lines, the app over IPC. */
export type RunnerEvent =
  | { type: 'migration'; id: string; mode: 'apply' | 'rollback' | 'cleanup'; resumed: boolean; tookOverLockFrom: number | null }
  | { type: 'step'; step: string; phase: Phase; title: string; status: 'start' | 'done' | 'failed' | 'skipped' | 'undo-start' | 'undone' | 'undo-failed'; elapsedMs: number; expectedMs: [number, number]; error?: string; hint?: string }
  | { type: 'progress'; step: string; phase: Phase; percent: number; detail: string; elapsedMs: number; expectedMs: [number, number] }
  /** Events AWS logs for a resource the step waits on (EB environment events). */
  | { type: 'aws-event'; step: string; source: string; severity: string; message: string; at: string }
  | { type: 'notice'; step: string | null; level: 'info' | 'warn'; message: string }
  | { type: 'manual'; step: string; instructions: string }
  | { type: 'end'; mode: 'apply' | 'rollback' | 'cleanup'; result: 'completed' | 'stopped' | 'failed'; reason: string | null };

export type EventSink = (event: RunnerEvent) => void;
