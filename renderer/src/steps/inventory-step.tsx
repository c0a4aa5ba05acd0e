import type { ProjectState } from '../../../shared/ipc/project.js';
import { ErrorNotice } from '../components/error-notice.js';
import { call } from '../skylift-api.js';
import { useJob } from '../state/job-store.js';
import { useRequest } from '../state/use-request.js';
import { InventoryFindings } from './inventory-findings.js';
import { StepHeading } from '../components/step-heading.js';

/** Live progress while the box is read, then what was found. */
export function InventoryStep({ project, jobId, onRetry, onNext }: { project: ProjectState; jobId: string | null; onRetry: () => void; onNext: () => void }) {
  const job = useJob(jobId);
  const cancel = useRequest();
  const running = job !== null && job.outcome === 'running';
  const inventory = project.inventories[0];
  return (
    <section aria-labelledby="inventory-title">
      <StepHeading id="inventory-title">
        What the box runs
      </StepHeading>
      {project.meta.source.kind === 'sample' && <p className="lead">This is a bundled sample box: a realistic inventory, read earlier. Nothing is contacted.</p>}
      {job && (
        <div className="job" aria-live="polite">
          <p>{job.phase ?? 'Starting…'}</p>
          {job.total > 0 && (
            <>
              <label className="progress-label">
                Sections read: {job.done} of {job.total}
                <progress max={job.total} value={job.done} />
              </label>
              <ul className="sections" aria-label="Sections">
                {job.sections.map(([name, state]) => (
                  <li key={name} className={state}>
                    {name}: {state === 'done' ? 'read' : 'reading…'}
                  </li>
                ))}
              </ul>
            </>
          )}
          {running && (
            <button type="button" disabled={cancel.busy} onClick={() => jobId && void cancel.run(() => call('job:cancel', { jobId }))}>
              Cancel
            </button>
          )}
          {job.outcome === 'cancelled' && <p>Cancelled: nothing was saved.</p>}
          <ErrorNotice error={job.error ?? cancel.error} />
          {(job.outcome === 'failed' || job.outcome === 'cancelled') && (
            <button type="button" onClick={onRetry}>
              Back to the connection settings
            </button>
          )}
        </div>
      )}
      {!running && inventory && (
        <>
          <InventoryFindings inventory={inventory} />
          <div className="actions">
            <button type="button" className="primary" onClick={onNext}>
              Continue to the AWS target
            </button>
            {project.meta.source.kind === 'box' && (
              <button type="button" onClick={onRetry}>
                Read the box again
              </button>
            )}
          </div>
        </>
      )}
      {!job && !inventory && (
        <p>
          Not read yet.{' '}
          <button type="button" className="link" onClick={onRetry}>
            Choose the box
          </button>
        </p>
      )}
    </section>
  );
}
