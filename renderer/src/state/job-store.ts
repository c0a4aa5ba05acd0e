import { useSyncExternalStore } from 'react';
import type { DoctorReport } from '../../../shared/ipc/doctor.js';
import type { HostKeyQuestion, JobEvent, UiError } from '../../../shared/ipc/events.js';
import { applyRunnerEvent, emptyCutover, type CutoverLive } from './cutover-view.js';

export interface JobView {
  phase: string | null;
  /** Section name → state, in the order the box reported them. */
  sections: [string, 'running' | 'done'][];
  done: number;
  total: number;
  hostKey: { promptId: string; question: HostKeyQuestion } | null;
  /** A cutover gate or manual step waiting for a yes. */
  confirm: { promptId: string; question: string } | null;
  cutover: CutoverLive;
  /** The WebSocket doctor's latest report in this job. */
  doctor: DoctorReport | null;
  outcome: 'running' | 'done' | 'failed' | 'cancelled';
  error: UiError | null;
}

const blank = (): JobView => ({ phase: null, sections: [], done: 0, total: 0, hostKey: null, confirm: null, cutover: emptyCutover(), doctor: null, outcome: 'running', error: null });

function apply(view: JobView, e: JobEvent): JobView {
  switch (e.type) {
    case 'phase':
      return { ...view, phase: e.detail };
    case 'section': {
      const sections = view.sections.filter(([n]) => n !== e.name);
      return { ...view, sections: [...sections, [e.name, e.state]], done: e.done, total: e.total };
    }
    case 'host-key':
      return { ...view, hostKey: { promptId: e.promptId, question: e.question } };
    case 'confirm':
      return { ...view, confirm: { promptId: e.promptId, question: e.question } };
    case 'runner':
      return { ...view, cutover: applyRunnerEvent(view.cutover, e.event) };
    case 'doctor':
      return { ...view, doctor: e.report };
    case 'done':
      return { ...view, outcome: 'done', hostKey: null, confirm: null };
    case 'failed':
      return { ...view, outcome: 'failed', error: e.error, hostKey: null, confirm: null };
    case 'cancelled':
      return { ...view, outcome: 'cancelled', hostKey: null, confirm: null };
  }
}

/**
 * Every job's state, fed by main's events from the moment the app starts (so none is missed
 * while a step mounts). Listeners hear at most once per animation frame.
 */
export class JobStore {
  private jobs: Record<string, JobView> = {};
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): Record<string, JobView> => this.jobs;

  push(event: JobEvent): void {
    this.jobs = { ...this.jobs, [event.jobId]: apply(this.jobs[event.jobId] ?? blank(), event) };
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    });
  }

  /** Clears a question once answered, without waiting for main. */
  answered(jobId: string): void {
    const view = this.jobs[jobId];
    if (view) this.jobs = { ...this.jobs, [jobId]: { ...view, hostKey: null, confirm: null } };
    for (const l of this.listeners) l();
  }
}

export const jobStore = new JobStore();

export function useJobs(): Record<string, JobView> {
  return useSyncExternalStore(jobStore.subscribe, jobStore.snapshot);
}

export function useJob(jobId: string | null): JobView | null {
  const jobs = useJobs();
  return jobId ? (jobs[jobId] ?? blank()) : null;
}
