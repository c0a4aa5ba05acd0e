import type { RunnerEventSchema } from '../../../shared/ipc/runner-event.js';

export interface StepLive {
  status: 'running' | 'done' | 'failed' | 'skipped' | 'undoing' | 'undone';
  /** 0–100 when the runner reports it; null while it only knows the step runs. */
  percent: number | null;
  detail: string;
  error: string | null;
  hint: string | null;
}

export interface LogLine {
  at: string;
  level: 'info' | 'warn' | 'aws';
  text: string;
}

export interface CutoverLive {
  steps: Record<string, StepLive>;
  log: LogLine[];
  manual: { step: string; instructions: string } | null;
  end: { mode: 'apply' | 'rollback' | 'cleanup'; result: 'completed' | 'stopped' | 'failed'; reason: string | null } | null;
}

/** The log keeps the latest lines only, so a long run stays light to render. */
const LOG_LIMIT = 300;

const STATUS: Record<Extract<RunnerEventSchema, { type: 'step' }>['status'], StepLive['status']> = {
  start: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
  'undo-start': 'undoing',
  undone: 'undone',
  'undo-failed': 'failed',
};

export const emptyCutover = (): CutoverLive => ({ steps: {}, log: [], manual: null, end: null });

function log(view: CutoverLive, line: LogLine): LogLine[] {
  const next = [...view.log, line];
  return next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
}

/** Folds one runner event into what the Cutover step shows. */
export function applyRunnerEvent(view: CutoverLive, e: RunnerEventSchema): CutoverLive {
  const now = new Date().toISOString();
  switch (e.type) {
    case 'step': {
      const prev = view.steps[e.step];
      const status = STATUS[e.status];
      const step: StepLive = { status, percent: status === 'done' || status === 'undone' ? 100 : (prev?.percent ?? null), detail: prev?.detail ?? '', error: e.error ?? null, hint: e.hint ?? null };
      const text = `${e.title}: ${e.status}${e.error ? ` — ${e.error}` : ''}`;
      // A step that ended no longer waits for the person's part.
      const manual = view.manual?.step === e.step && status !== 'running' && status !== 'undoing' ? null : view.manual;
      return { ...view, steps: { ...view.steps, [e.step]: step }, manual, log: log(view, { at: now, level: e.status === 'failed' ? 'warn' : 'info', text }) };
    }
    case 'progress': {
      const prev = view.steps[e.step] ?? { status: 'running', percent: null, detail: '', error: null, hint: null };
      return { ...view, steps: { ...view.steps, [e.step]: { ...prev, percent: e.percent, detail: e.detail } } };
    }
    case 'aws-event':
      return { ...view, log: log(view, { at: e.at, level: 'aws', text: `${e.source} ${e.severity}: ${e.message}` }) };
    case 'notice':
      return { ...view, log: log(view, { at: now, level: e.level, text: e.message }) };
    case 'manual':
      return { ...view, manual: { step: e.step, instructions: e.instructions } };
    case 'end':
      return { ...view, manual: null, end: { mode: e.mode, result: e.result, reason: e.reason } };
    case 'migration':
      return { ...view, log: log(view, { at: now, level: 'info', text: `${e.resumed ? 'Resuming' : 'Starting'} ${e.mode} of ${e.id}` }) };
  }
}
