import type { PlanStep } from '../../../shared/schema/plan.js';
import type { LogLine, StepLive } from '../state/cutover-view.js';

export type RunStatus = StepLive['status'] | 'pending' | 'interrupted';

const LABEL: Record<RunStatus, string> = { pending: 'waiting', running: 'running', done: 'done', failed: 'failed', skipped: 'skipped', undoing: 'undoing', undone: 'undone', interrupted: 'interrupted: runs again on resume' };

/** One runner step as it goes: its status, its progress bar while it runs, its error with what to do. */
export function StepRow({ step, status, live }: { step: Pick<PlanStep, 'title'> & { pointOfNoReturn?: boolean }; status: RunStatus; live: StepLive | undefined }) {
  return (
    <li className={`cutover-step ${status}`}>
      <div className="row">
        <strong>{step.title}</strong>
        <span className="muted">{LABEL[status]}</span>
        {step.pointOfNoReturn && <span className="badge">point of no return</span>}
      </div>
      {status === 'running' && <progress aria-label={`${step.title} progress`} max={100} {...(typeof live?.percent === 'number' ? { value: live.percent } : {})} />}
      {live?.detail && status === 'running' && <p className="muted">{live.detail}</p>}
      {live?.error && (
        <p className="warning">
          {live.error}
          {live.hint && <> — what to do: {live.hint}</>}
        </p>
      )}
    </li>
  );
}

/** The runner's and AWS's events as they arrive, latest last. */
export function EventLog({ log }: { log: LogLine[] }) {
  return (
    <section aria-labelledby="aws-log-title">
      <h2 id="aws-log-title">Live events</h2>
      {/* Focusable, so the keyboard can scroll it. */}
      <div className="event-log" role="log" aria-label="Live events" tabIndex={0}>
        <ol>
          {log.map((l, i) => (
            <li key={`${l.at}-${i}`} className={l.level}>
              <time dateTime={l.at}>{l.at.slice(11, 19)}</time> {l.text}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
