import { useState } from 'react';
import type { ProjectState } from '../../../shared/ipc/project.js';
import type { RollbackPreview } from '../../../shared/ipc/rollback.js';
import { ErrorNotice } from '../components/error-notice.js';
import { QuestionDialog } from '../components/question-dialog.js';
import { call } from '../skylift-api.js';
import { useRequest } from '../state/use-request.js';

function ConfirmRollback({ preview, onAnswer }: { preview: RollbackPreview; onAnswer: (yes: boolean) => void }) {
  return (
    <QuestionDialog id="rollback-confirm-title" title="Roll back to the box?" yes="Roll back" no="Not now" onAnswer={onAnswer}>
      <p>
        Skylift undoes {preview.steps.length} step{preview.steps.length === 1 ? '' : 's'}, latest first{preview.pastReturn.length > 0 ? ', starting with pointing DNS back at the box' : ''}, and deletes what it made on AWS.
        {preview.lostWrites.length > 0 && ' Writes made on AWS since the switch are lost.'}
      </p>
      <p>It is journaled like the cutover: pausing or closing the app never loses track, and resuming does not repeat what is undone.</p>
    </QuestionDialog>
  );
}

/** Going back: what a rollback would undo, the point-of-no-return warning and its choice, a last confirmation, then the journaled rollback. */
export function RollbackPanel({ project, resume, onStarted }: { project: ProjectState; resume: boolean; onStarted: (jobId: string) => void }) {
  const load = useRequest();
  const start = useRequest();
  const [preview, setPreview] = useState<RollbackPreview | null>(null);
  const [acceptDataLoss, setAcceptDataLoss] = useState(false);
  const [finalSnapshot, setFinalSnapshot] = useState(true);
  const [confirming, setConfirming] = useState(false);
  const projectId = project.meta.id;
  const title = resume ? 'Resume the rollback' : 'Roll back';
  const blocked = preview !== null && (preview.irreversible.length > 0 || preview.steps.length === 0 || (preview.lostWrites.length > 0 && !acceptDataLoss));
  const answer = (yes: boolean) => {
    setConfirming(false);
    if (yes) void start.run(async () => onStarted((await call('rollback:start', { projectId, acceptDataLoss, finalSnapshot })).jobId));
  };
  return (
    <section aria-labelledby="rollback-title" className="card">
      <h2 id="rollback-title">Go back to the box</h2>
      {!preview && (
        <>
          <p>{resume ? 'A rollback was started and has not finished: see what is left to undo, then resume it.' : 'Undo the cutover: DNS back to the box, then the deployment, then every resource Skylift made on AWS.'}</p>
          <button type="button" disabled={load.busy} onClick={() => void load.run(async () => setPreview(await call('rollback:preview', { projectId })))}>
            {resume ? 'See what is left to undo' : 'See what a rollback undoes'}
          </button>
        </>
      )}
      <ErrorNotice error={load.error} />
      {preview && (
        <>
          {preview.steps.length === 0 ? (
            <p role="status">Nothing to undo: the journal shows nothing done on AWS.</p>
          ) : (
            <>
              <h3 id="rollback-steps-title">What will be undone, in this order</h3>
              <ol aria-labelledby="rollback-steps-title" className="rollback-steps">
                {preview.steps.map((s) => (
                  <li key={s.id}>
                    <strong>{s.title}</strong>: {s.undo}
                    {s.halfDone && <span className="muted"> (left half done; what it made is undone)</span>}
                  </li>
                ))}
              </ol>
            </>
          )}
          {preview.irreversible.length > 0 && (
            <div className="notice notice-error" role="alert">
              <p className="notice-title">Rollback is not possible from here</p>
              <p>{preview.irreversible.map((g) => `${g.step}: ${g.reason}`).join('; ')}</p>
              <p>
                <strong>What to do:</strong> nothing was changed; going back now means rebuilding from the final snapshot by hand, as the rollback checklist describes.
              </p>
            </div>
          )}
          {preview.pastReturn.length > 0 && (
            <div className="notice notice-warning" role="note" aria-labelledby="past-return-title">
              <p className="notice-title" id="past-return-title">
                Past the point of no return
              </p>
              <p>
                Since {preview.pastReturn.join(', ')}, traffic and writes have gone to AWS.{' '}
                {preview.lostWrites.length > 0 ? `Skylift cannot copy them back (${preview.lostWrites.join('; ')}): copy them by hand first (the rollback checklist says how), or accept losing them.` : 'Skylift copies what it can back to the box as part of the rollback.'}
              </p>
              {preview.lostWrites.length > 0 && (
                <label className="inline">
                  <input type="checkbox" checked={acceptDataLoss} onChange={(e) => setAcceptDataLoss(e.target.checked)} /> Go back and lose those writes (accept data loss)
                </label>
              )}
            </div>
          )}
          {preview.deletesDatabases && (
            <label className="inline">
              <input type="checkbox" checked={finalSnapshot} onChange={(e) => setFinalSnapshot(e.target.checked)} /> Keep a final snapshot of each database it deletes
            </label>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={blocked || start.busy} onClick={() => setConfirming(true)}>
              {title}
            </button>
            <button type="button" onClick={() => setPreview(null)}>
              Cancel
            </button>
          </div>
          {blocked && preview.lostWrites.length > 0 && !acceptDataLoss && preview.irreversible.length === 0 && <p className="muted">Tick "Go back and lose those writes" to continue, or copy them back by hand first.</p>}
        </>
      )}
      <ErrorNotice error={start.error} />
      {confirming && preview && <ConfirmRollback preview={preview} onAnswer={answer} />}
    </section>
  );
}
