import { randomUUID } from 'node:crypto';
import type { DoctorReport } from '../../../shared/ipc/doctor.js';
import type { HostKeyQuestion, JobEvent } from '../../../shared/ipc/events.js';
import type { RunnerEventSchema } from '../../../shared/ipc/runner-event.js';
import { toUiError } from './ui-error.js';

type Progress = JobEvent extends infer E ? (E extends { type: 'phase' | 'section' } ? Omit<E, 'jobId'> : never) : never;

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(event: Progress): void;
  /** Asks the user to trust a host key seen for the first time; false when cancelled. */
  askHostKey(question: HostKeyQuestion): Promise<boolean>;
  /** Asks for a yes before a cutover gate or a manual step; false when cancelled. */
  confirm(question: string): Promise<boolean>;
  /** Streams a cutover runner event. */
  runner(event: RunnerEventSchema): void;
  /** Reports what the WebSocket doctor found. */
  doctor(report: DoctorReport): void;
}

/** Long jobs: each runs once, streams its events, and can be cancelled; their questions wait for an answer. */
export class Jobs {
  private readonly running = new Map<string, { controller: AbortController; settled: Promise<void> }>();
  private readonly prompts = new Map<string, (yes: boolean) => void>();

  constructor(private readonly emit: (event: JobEvent) => void) {}

  start(run: (job: JobContext) => Promise<void>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    const { signal } = controller;
    const job: JobContext = {
      jobId,
      signal,
      progress: (event) => this.emit({ ...event, jobId } as JobEvent),
      askHostKey: (question) => this.ask(signal, (promptId) => ({ type: 'host-key', jobId, promptId, question })),
      confirm: (question) => this.ask(signal, (promptId) => ({ type: 'confirm', jobId, promptId, question })),
      runner: (event) => this.emit({ type: 'runner', jobId, event }),
      doctor: (report) => this.emit({ type: 'doctor', jobId, report }),
    };
    // Started on the next turn, so the caller holds the job id before any event arrives.
    const settled = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => run(job))
      .then(
        () => this.emit(signal.aborted ? { type: 'cancelled', jobId } : { type: 'done', jobId }),
        (err: unknown) => this.emit(signal.aborted ? { type: 'cancelled', jobId } : { type: 'failed', jobId, error: toUiError(err) }),
      )
      .finally(() => this.running.delete(jobId));
    this.running.set(jobId, { controller, settled });
    return jobId;
  }

  /** Emits a question and waits for its answer; a cancelled job answers no. */
  private ask(signal: AbortSignal, question: (promptId: string) => JobEvent): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const promptId = randomUUID();
      const settle = (yes: boolean) => {
        this.prompts.delete(promptId);
        signal.removeEventListener('abort', onAbort);
        resolve(yes);
      };
      const onAbort = () => settle(false);
      signal.addEventListener('abort', onAbort);
      this.prompts.set(promptId, settle);
      this.emit(question(promptId));
    });
  }

  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    job?.controller.abort(new Error('cancelled by the user'));
    return job !== undefined;
  }

  answer(promptId: string, yes: boolean): boolean {
    const settle = this.prompts.get(promptId);
    settle?.(yes);
    return settle !== undefined;
  }

  /** Cancels everything (window closed, app quitting) and resolves once every job has stopped (journals closed, locks released). */
  async stopAll(): Promise<void> {
    const settled = [...this.running.values()].map((j) => j.settled);
    for (const id of [...this.running.keys()]) this.cancel(id);
    await Promise.all(settled);
  }
}
