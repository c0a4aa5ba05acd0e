import type { ProjectState } from '../../../shared/ipc/project.js';
import { ErrorNotice } from '../components/error-notice.js';
import { EventLog, StepRow, type RunStatus } from '../components/run-progress.js';
import { StepHeading } from '../components/step-heading.js';
import { call } from '../skylift-api.js';
import { useJob } from '../state/job-store.js';
import { useRequest } from '../state/use-request.js';
import { RollbackPanel } from './rollback-panel.js';

/** The cutover, step by step: gates ask first, each step shows its progress, AWS's own events scroll by, and it can pause and resume. */
export function CutoverStep({ project, jobId, onStarted, onNext }: { project: ProjectState; jobId: string | null; onStarted: (jobId: string) => void; onNext: () => void }) {
  const job = useJob(jobId);
  const start = useRequest();
  const pause = useRequest();
  const { plan, cutover } = project;
  if (!plan) return <p>There is no plan yet.</p>;
  const running = job?.outcome === 'running';
  const live = job?.cutover;
  const statusOf = (id: string): RunStatus => {
    const l = live?.steps[id]?.status;
    if (l) return l;
    if (cutover?.done.includes(id)) return 'done';
    if (cutover?.undone.includes(id)) return 'undone';
    if (cutover?.failed.some((f) => f.step === id)) return 'failed';
    if (cutover?.interrupted.includes(id)) return 'interrupted';
    return 'pending';
  };
  const done = plan.steps.filter((s) => statusOf(s.id) === 'done').length;
  // The last run's outcome: this session's job if it ended, else the journal's.
  const last = live?.end ?? (running ? null : (cutover?.lastRun ?? null));
  const completed = last?.mode === 'apply' && last.result === 'completed';
  const rolledBack = last?.mode === 'rollback' && last.result === 'completed';
  const rollingBack = last?.mode === 'rollback' && last.result !== 'completed';
  const started = cutover !== null && (cutover.done.length > 0 || cutover.interrupted.length > 0 || cutover.failed.length > 0);
  return (
    <section aria-labelledby="cutover-title">
      <StepHeading id="cutover-title">Cutover</StepHeading>
      <p className="lead">
        {done} of {plan.steps.length} steps done. Every step is journaled: pausing, closing the app or losing the connection never loses track, and resuming does not repeat what is done.
      </p>
      {!plan.applicable && (
        <div className="notice notice-warning" role="status">
          The plan has open blockers; resolve them in the Design step first: {plan.openBlockers.map((b) => b.title).join('; ')}.
        </div>
      )}
      {!project.meta.target && <p className="notice notice-warning">Check the AWS account in the Target step first.</p>}
      <label className="progress-label">
        Overall: {done} of {plan.steps.length}
        <progress max={plan.steps.length} value={done} />
      </label>
      <div className="actions">
        {!running && !completed && !rollingBack && (
          <button type="button" className="primary" disabled={start.busy || !plan.applicable || !project.meta.target} onClick={() => void start.run(async () => onStarted((await call('cutover:start', { projectId: project.meta.id })).jobId))}>
            {rolledBack ? 'Start the cutover again' : cutover ? 'Resume the cutover' : 'Start the cutover'}
          </button>
        )}
        {running && jobId && (
          <button type="button" disabled={pause.busy} onClick={() => void pause.run(() => call('job:cancel', { jobId }))}>
            Pause
          </button>
        )}
        {completed && (
          <button type="button" className="primary" onClick={onNext}>
            Continue to the checks after the move
          </button>
        )}
      </div>
      <ErrorNotice error={start.error ?? pause.error ?? job?.error ?? null} />
      {rolledBack && (
        <div className="notice notice-warning" role="status">
          <p className="notice-title">Rolled back</p>
          <p>What the cutover made on AWS is undone and the box serves again{plan.steps.some((s) => s.phase === 'switch-dns') ? ' (DNS points back at it)' : ''}. Start the cutover again whenever you are ready.</p>
        </div>
      )}
      {live?.end && live.end.result !== 'completed' && live.end.reason && <p role="status">Stopped: {live.end.reason}</p>}
      {!live?.end && cutover?.lastRun && cutover.lastRun.result !== 'completed' && !running && (
        <p role="status">{cutover.lastRun.result === null ? `The last ${cutover.lastRun.mode === 'rollback' ? 'rollback' : 'run'} ended without finishing (the app was closed or lost its connection): resume to go on.` : `Last ${cutover.lastRun.mode === 'rollback' ? 'rollback' : 'run'}: ${cutover.lastRun.result}${cutover.lastRun.reason ? ` — ${cutover.lastRun.reason}` : ''}.`}</p>
      )}
      {started && !running && !rolledBack && <RollbackPanel project={project} resume={rollingBack} onStarted={onStarted} />}
      {live?.manual && (
        <div className="notice notice-warning" role="status">
          <p className="notice-title">Your part ({live.manual.step})</p>
          <p>{live.manual.instructions}</p>
        </div>
      )}
      <ol className="phases">
        {plan.phases.map((phase) => (
          <li key={phase}>
            <h2>{phase}</h2>
            <ol className="cutover-steps">
              {plan.steps
                .filter((s) => s.phase === phase)
                .map((s) => (
                  <StepRow key={s.id} step={s} status={statusOf(s.id)} live={live?.steps[s.id]} />
                ))}
            </ol>
          </li>
        ))}
      </ol>
      <EventLog log={live?.log ?? []} />
      <p className="muted">The rollback checklist (export it from the Plan step) lists each step's undo, for going back by hand.</p>
    </section>
  );
}
