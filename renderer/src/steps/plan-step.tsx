import { useState } from 'react';
import type { ExportKind, ProjectState } from '../../../shared/ipc/project.js';
import type { Plan, PlanStep as Step } from '../../../shared/schema/plan.js';
import { ArchitectureDiagram } from '../components/architecture-diagram.js';
import { ErrorNotice } from '../components/error-notice.js';
import { call } from '../skylift-api.js';
import { useRequest } from '../state/use-request.js';
import { StepHeading } from '../components/step-heading.js';

const EXPORTS: { what: ExportKind; label: string }[] = [
  { what: 'all', label: 'Export everything' },
  { what: 'runbook', label: 'Export the runbook' },
  { what: 'json', label: 'Export plan.json' },
  { what: 'eb-bundle', label: 'Export the EB bundle' },
  { what: 'rollback', label: 'Export the rollback checklist' },
];

const minutes = (s: Step) => (s.durationMinutes.min === s.durationMinutes.max ? `${s.durationMinutes.max} min` : `${s.durationMinutes.min}–${s.durationMinutes.max} min`);

function Steps({ plan }: { plan: Plan }) {
  const title = new Map(plan.steps.map((s) => [s.id, s.title]));
  return (
    <ol className="phases">
      {plan.phases.map((phase) => (
        <li key={phase}>
          <h3>{phase}</h3>
          <ol className="plan-steps">
            {plan.steps
              .filter((s) => s.phase === phase)
              .map((s) => (
                <li key={s.id} id={`step-${s.id}`}>
                  <strong>{s.title}</strong> <span className="muted">({minutes(s)}{s.manual ? ', by you' : ''}{s.inDowntime ? ', during downtime' : ''})</span>
                  {s.pointOfNoReturn && <span className="badge">point of no return</span>}
                  <p>{s.why}</p>
                  {s.dependsOn.length > 0 && <p className="muted">After: {s.dependsOn.map((d) => title.get(d) ?? d).join('; ')}</p>}
                  <p className="muted">Undo: {s.undo.kind === 'actions' ? s.undo.summary : `${s.undo.kind === 'nothing' ? 'nothing to undo' : 'irreversible'} — ${s.undo.reason}`}</p>
                </li>
              ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}

/** The step DAG, costs and architecture; exports through a save dialog. */
export function PlanStep({ project, onNext }: { project: ProjectState; onNext: () => void }) {
  const req = useRequest();
  const [saved, setSaved] = useState<{ what: ExportKind; dir: string; files: string[] } | null>(null);
  const { plan, design } = project;
  if (!plan || !design) return <p>Read a box first.</p>;
  const cost = design.cost;
  return (
    <section aria-labelledby="plan-title">
      <StepHeading id="plan-title">
        The plan
      </StepHeading>
      <p className="lead">
        {plan.steps.length} steps in {plan.phases.length} phases; downtime at most {plan.downtime.maxMinutes} minutes. {plan.applicable ? 'Nothing blocks it.' : `${plan.openBlockers.length} blocker(s) must be resolved in the design before it can be applied.`}
      </p>
      {!plan.applicable && (
        <ul className="notice notice-warning">
          {plan.openBlockers.map((b) => (
            <li key={b.id}>{b.title}</li>
          ))}
        </ul>
      )}
      <section aria-labelledby="export-title" className="card">
        <h2 id="export-title">Export</h2>
        <div className="actions">
          {EXPORTS.map((e) => (
            <button key={e.what} type="button" className={e.what === 'all' ? 'primary' : undefined} disabled={req.busy} onClick={() => void req.run(async () => {
              const { saved: where } = await call('plan:export', { projectId: project.meta.id, what: e.what });
              setSaved(where ? { what: e.what, ...where } : null);
            })}>
              {e.label}
            </button>
          ))}
        </div>
        <ErrorNotice error={req.error} onDismiss={req.clear} />
        {saved && (
          <p role="status">
            Saved {saved.files.length} file(s) in {saved.dir}: {saved.files.join(', ')}
          </p>
        )}
      </section>
      <h2>Architecture</h2>
      <ArchitectureDiagram design={design} />
      <h2>Monthly cost (prices as of {cost.priceDate})</h2>
      <table>
        <caption className="visually-hidden">Estimated monthly cost on AWS</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">USD / month</th>
            <th scope="col">Basis</th>
          </tr>
        </thead>
        <tbody>
          {cost.lines.map((l) => (
            <tr key={l.item}>
              <td>{l.item}</td>
              <td className="num">{l.monthlyUsd === null ? 'unknown' : l.monthlyUsd.toFixed(2)}</td>
              <td>{l.basis}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Known total</th>
            <td className="num">{cost.knownMonthlyUsd.toFixed(2)}</td>
            <td>{cost.unknown.length > 0 ? `not priced: ${cost.unknown.join(', ')}` : ''}</td>
          </tr>
        </tbody>
      </table>
      <h2>Steps</h2>
      <Steps plan={plan} />
      <div className="actions">
        <button type="button" className="primary" onClick={onNext}>
          Continue to the cutover
        </button>
      </div>
    </section>
  );
}
