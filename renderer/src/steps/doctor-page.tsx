import { useEffect, useId, useState } from 'react';
import type { DoctorEnvironment, DoctorExamineRequest, DoctorFix, DoctorReport } from '../../../shared/ipc/doctor.js';
import { AwsAccountFields, awsAccountValue, credentialChoice, type AwsAccountValue } from '../components/aws-account-fields.js';
import { ErrorNotice } from '../components/error-notice.js';
import { EventLog, StepRow } from '../components/run-progress.js';
import { StepHeading } from '../components/step-heading.js';
import { call } from '../skylift-api.js';
import { useJob, type JobView } from '../state/job-store.js';
import { useRequest } from '../state/use-request.js';
import { EnvironmentFacts, Findings, HandshakeTable, ListenerSetup, verified } from './doctor-report.js';

function access(v: AwsAccountValue): DoctorExamineRequest['access'] {
  const credentials = credentialChoice(v);
  // Outside a project there are no saved keys to offer, so the choice is never that.
  if (credentials.kind === 'saved-keys') throw new Error('saved keys belong to a project');
  return { region: v.region, credentials };
}

/** A running job's last word, for a live region. */
function Working({ job, what }: { job: JobView; what: string }) {
  if (job.outcome !== 'running') return null;
  return (
    <p role="status" className="muted">
      {job.phase ?? `${what}…`}
    </p>
  );
}

/** The fix (or its undo) step by step, from the runner's events. */
function RunSteps({ report, job, label }: { report: DoctorReport; job: JobView; label: string }) {
  return (
    <ol className="cutover-steps" aria-label={label}>
      {report.fix?.steps.map((s) => {
        const live = job.cutover.steps[s.id];
        return <StepRow key={s.id} step={s} status={live?.status ?? 'pending'} live={live} />;
      })}
    </ol>
  );
}

function Verification({ after }: { after: DoctorReport }) {
  const ok = verified(after);
  return (
    <div role="status" className={`notice ${ok ? 'notice-ok' : 'notice-warning'}`}>
      <p className="notice-title">{ok ? 'Fixed and verified' : 'Fixed, but the check still fails'}</p>
      <p>
        {ok
          ? `A real client connected through each URL: the WebSocket handshake answered 101${after.handshakes.some((h) => h.echo) ? ' and the echo came back' : ''}.`
          : `Still wrong: ${after.findings.map((f) => f.title).join('; ') || 'the handshake below'}. Undo puts back what the fix changed.`}
      </p>
    </div>
  );
}

/** "Fix WebSockets on an existing environment": examine, fix with a confirmation, verify with a real handshake, undo. */
export function DoctorPage({ onBack }: { onBack: () => void }) {
  const id = useId();
  const [account, setAccount] = useState(() => awsAccountValue('us-east-1', 'profile'));
  const [environment, setEnvironment] = useState('');
  const [urls, setUrls] = useState('');
  const [echoEvent, setEchoEvent] = useState('');
  const [environments, setEnvironments] = useState<DoctorEnvironment[] | null>(null);
  const [examJobId, setExamJobId] = useState<string | null>(null);
  const [fix, setFix] = useState<{ jobId: string; fixId: string } | null>(null);
  const [undo, setUndo] = useState<{ jobId: string; fixId: string } | null>(null);
  /** Fixes made before (this session or an earlier one) that still have something to undo. */
  const [earlier, setEarlier] = useState<DoctorFix[]>([]);
  const list = useRequest();
  const fixes = useRequest();
  const start = useRequest();
  const act = useRequest();
  const exam = useJob(examJobId);
  const fixJob = useJob(fix?.jobId ?? null);
  const undoJob = useJob(undo?.jobId ?? null);
  const report = exam?.doctor ?? null;
  const afterFix = fixJob?.doctor ?? null;
  const afterUndo = undoJob?.doctor ?? null;
  const busy = [exam, fixJob, undoJob].some((j) => j?.outcome === 'running');
  // A fix declined at its confirmation (or stopped before the runner began) can be asked for again.
  const fixRan = fixJob !== null && (fixJob.outcome === 'running' || fixJob.cutover.end !== null);

  // Read again whenever a fix or an undo ends: what is left to undo comes from the journals.
  const [fixOutcome, undoOutcome] = [fixJob?.outcome, undoJob?.outcome];
  useEffect(() => {
    if (fixOutcome !== 'running' && undoOutcome !== 'running') void fixes.run(async () => setEarlier((await call('doctor:fixes', {})).filter((f) => f.undoable)));
  }, [fixOutcome, undoOutcome]);
  const startUndo = (fixId: string) => async () => setUndo({ jobId: (await call('doctor:undo', { credentials: access(account).credentials, fixId })).jobId, fixId });

  const request = (): DoctorExamineRequest => ({
    access: access(account),
    environment: environment.trim(),
    urls: urls.split(/[\s,]+/).filter(Boolean),
    echoEvent: echoEvent.trim() || null,
  });

  return (
    <section aria-labelledby="doctor-title">
      <StepHeading id="doctor-title">Fix WebSockets on an existing environment</StepHeading>
      <p className="lead">
        Socket.IO clients get HTTP 400, or fall back to polling, on an Elastic Beanstalk environment? Skylift reads the environment (changing nothing), shakes hands with it as a real client, names every cause with its evidence,
        and can fix it — journaled, verified, and undone with one button.
      </p>
      <form
        aria-label="Which environment"
        onSubmit={(e) => {
          e.preventDefault();
          void start.run(async () => {
            const { jobId } = await call('doctor:examine', request());
            setFix(null);
            setUndo(null);
            setExamJobId(jobId);
          });
        }}
      >
        <AwsAccountFields id={id} value={account} onChange={setAccount} savedKeys={false} rememberable={false} />
        <div className="actions">
          <button type="button" disabled={list.busy} onClick={() => void list.run(async () => setEnvironments(await call('doctor:environments', { access: access(account) })))}>
            {list.busy ? 'Listing…' : 'List environments'}
          </button>
        </div>
        <ErrorNotice error={list.error} />
        {environments && (
          <fieldset>
            <legend>Environments in {account.region}</legend>
            {environments.length === 0 && <p>No Elastic Beanstalk environments here: check the region.</p>}
            {environments.map((env) => (
              <label key={env.name} className="inline">
                <input type="radio" name={`${id}-env`} checked={environment === env.name} onChange={() => setEnvironment(env.name)} /> {env.name} <span className="muted">({env.application}, {env.status}{env.health ? `, ${env.health}` : ''}, {env.cname})</span>
              </label>
            ))}
          </fieldset>
        )}
        <div className="grid">
          <label htmlFor={`${id}-env`}>Environment name</label>
          <input id={`${id}-env`} value={environment} placeholder="e.g. chat-api-prod" onChange={(e) => setEnvironment(e.target.value)} />
          <label htmlFor={`${id}-urls`}>Other URLs clients use (optional)</label>
          <input id={`${id}-urls`} value={urls} placeholder="https://api.example.com/ (domains in Route 53 are found)" onChange={(e) => setUrls(e.target.value)} />
          <label htmlFor={`${id}-echo`}>An event the app echoes back (optional)</label>
          <input id={`${id}-echo`} value={echoEvent} placeholder="e.g. ping" aria-describedby={`${id}-echo-help`} onChange={(e) => setEchoEvent(e.target.value)} />
        </div>
        <p id={`${id}-echo-help`} className="help">
          With an echo event, the check also sends it and waits for the app to acknowledge or emit it back: a full round trip.
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={start.busy || busy}>
            Examine the environment
          </button>
          <button type="button" onClick={onBack}>
            Back to projects
          </button>
        </div>
        <ErrorNotice error={start.error} />
      </form>

      {earlier.some((f) => f.fixId !== fix?.fixId) && (
        <section aria-labelledby={`${id}-earlier`}>
          <h2 id={`${id}-earlier`}>Fixes made earlier</h2>
          <p>These fixes are applied, journaled, and can still be undone (with the credentials above).</p>
          <ul className="project-list" aria-label="Fixes made earlier">
            {earlier
              .filter((f) => f.fixId !== fix?.fixId)
              .map((f) => (
                <li key={f.fixId}>
                  <span className="project-name">{f.fixId}</span>
                  <span className="muted">
                    {f.environment} in {f.region} · {new Date(f.at).toLocaleString()}
                  </span>
                  <button type="button" disabled={fixes.busy || busy} onClick={() => void fixes.run(startUndo(f.fixId))}>
                    Undo {f.fixId}
                  </button>
                </li>
              ))}
          </ul>
        </section>
      )}
      <ErrorNotice error={fixes.error} onDismiss={fixes.clear} />
      {exam && <Working job={exam} what="Examining" />}
      {exam?.outcome === 'running' && examJobId && (
        <button type="button" onClick={() => void act.run(() => call('job:cancel', { jobId: examJobId }))}>
          Stop examining
        </button>
      )}
      <ErrorNotice error={exam?.error ?? null} />

      {report && (
        <section aria-labelledby={`${id}-found`}>
          <StepHeading key={report.examinationId} id={`${id}-found`} level={2}>
            What Skylift found in {report.environment.name}
          </StepHeading>
          <EnvironmentFacts report={report} />
          <HandshakeTable handshakes={report.handshakes} caption="Handshakes, as a real client" />
          <ListenerSetup before={report} after={afterFix} />
          {report.healthy ? (
            <div role="status" className="notice notice-ok">
              <p className="notice-title">Healthy</p>
              <p>Socket.IO upgrades to WebSocket and nothing in the configuration will break it. There is nothing to change.</p>
            </div>
          ) : (
            <>
              <h3>
                {report.findings.length} cause{report.findings.length === 1 ? '' : 's'} found
              </h3>
              <Findings report={report} />
            </>
          )}
          {!report.healthy && !report.fix && <p className="notice notice-warning">Nothing here can be fixed automatically: the causes above say what to change by hand.</p>}
          {report.fix && (
            <section aria-labelledby={`${id}-fix`}>
              <h2 id={`${id}-fix`}>The fix</h2>
              <p>One change at a time (Elastic Beanstalk takes one update at a time), each journaled and each undone by Undo; then a real handshake checks it.</p>
              <ol className="plan-steps" aria-label="What Fix does">
                {report.fix.steps.map((s) => (
                  <li key={s.id}>
                    <strong>{s.title}</strong>
                    <p className="muted">Undo: {s.undo}</p>
                  </li>
                ))}
              </ol>
              <div className="actions">
                <button type="button" className="primary" disabled={act.busy || busy || fixRan} onClick={() => void act.run(async () => setFix(await call('doctor:fix', { examinationId: report.examinationId })))}>
                  Fix
                </button>
              </div>
            </section>
          )}
        </section>
      )}
      <ErrorNotice error={act.error} onDismiss={act.clear} />

      {fix && fixJob && report && (
        <section aria-labelledby={`${id}-fixing`}>
          <StepHeading id={`${id}-fixing`} level={2}>
            Fix {fix.fixId}
          </StepHeading>
          <RunSteps report={report} job={fixJob} label="Fix progress" />
          <Working job={fixJob} what="Fixing" />
          <ErrorNotice error={fixJob.error} />
          {afterFix && (
            <>
              <Verification after={afterFix} />
              <HandshakeTable handshakes={afterFix.handshakes} caption="Handshakes after the fix" />
            </>
          )}
          {fixJob.outcome !== 'running' && fixJob.cutover.end !== null && (
            <div className="actions">
              <button type="button" disabled={act.busy || busy || undoJob?.outcome === 'done'} onClick={() => void act.run(startUndo(fix.fixId))}>
                Undo the fix
              </button>
            </div>
          )}
        </section>
      )}

      {undo && undoJob && (
        <section aria-labelledby={`${id}-undo`}>
          <StepHeading id={`${id}-undo`} level={2}>
            Undo {undo.fixId}
          </StepHeading>
          {report?.fix?.id === undo.fixId && <RunSteps report={report} job={undoJob} label="Undo progress" />}
          <Working job={undoJob} what="Undoing" />
          <ErrorNotice error={undoJob.error} />
          {afterUndo && (
            <>
              <div role="status" className="notice notice-warning">
                <p className="notice-title">Undone</p>
                <p>The settings recorded before the fix are back{afterUndo.healthy ? '.' : `, and with them: ${afterUndo.findings.map((f) => f.title).join('; ')}.`}</p>
              </div>
              <HandshakeTable handshakes={afterUndo.handshakes} caption="Handshakes after the undo" />
            </>
          )}
        </section>
      )}
      {(fixJob || undoJob) && <EventLog log={[...(fixJob?.cutover.log ?? []), ...(undoJob?.cutover.log ?? [])]} />}
    </section>
  );
}
