import type { ProjectState } from '../../../shared/ipc/project.js';
import type { Blocker, Decision } from '../../../shared/schema/design.js';
import { DecisionCard, type Answer } from '../components/decision-card.js';
import { ErrorNotice } from '../components/error-notice.js';
import { useAnswer } from '../state/use-answer.js';
import { StepHeading } from '../components/step-heading.js';

const AREA_LABELS: Record<Decision['area'], string> = {
  general: 'General',
  eb: 'Elastic Beanstalk',
  'load-balancer': 'Load balancer',
  env: 'Environment variables',
  rds: 'Databases (RDS)',
  elasticache: 'Caches (ElastiCache)',
  network: 'Network',
  iam: 'Permissions (IAM)',
  storage: 'Files and storage',
  cron: 'Scheduled jobs',
  dns: 'DNS',
  cost: 'Cost',
};

function BlockerCard({ blocker, busy, answer }: { blocker: Blocker; busy: boolean; answer: Answer }) {
  return (
    <li className={blocker.resolution === null ? 'blocker open' : 'blocker'}>
      <h3>{blocker.title}</h3>
      <p>{blocker.detail}</p>
      {blocker.facts.length > 0 && (
        <ul className="facts-list">
          {blocker.facts.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {blocker.answerKey ? (
        <fieldset>
          <legend>Resolve it</legend>
          {blocker.resolutions.map((r) => (
            <label key={r.value} className="inline">
              <input type="radio" name={blocker.id} checked={blocker.resolution === r.value} disabled={busy} onChange={() => answer(blocker.answerKey as string, r.value)} /> <strong>{r.label}</strong>: {r.consequence}
            </label>
          ))}
        </fieldset>
      ) : (
        <ul>
          {blocker.resolutions.map((r) => (
            <li key={r.value}>
              <strong>{r.label}</strong>: {r.consequence}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** Every mapping decision with its reason and a control to change it; what is not mapped; what blocks. */
export function DesignStep({ project, onChange, onNext }: { project: ProjectState; onChange: (p: ProjectState) => void; onNext: () => void }) {
  const { answer, req } = useAnswer(project, onChange);
  const design = project.design;
  if (!design) return <p>Read a box first: the design follows from its inventory.</p>;
  const open = design.blockers.filter((b) => b.resolution === null);
  const notMapped = design.coverage.filter((c) => c.status === 'not-mapped');
  const areas = [...new Set(design.decisions.map((d) => d.area))];
  return (
    <section aria-labelledby="design-title">
      <StepHeading id="design-title">
        The design: what becomes what
      </StepHeading>
      {project.cutover && (
        <p className="notice notice-warning" role="status">
          The cutover has started, so this design is fixed: its journal belongs to this plan, and the cutover and its rollback run it as it is.
        </p>
      )}
      <ErrorNotice error={req.error} onDismiss={req.clear} />
      {design.blockers.length > 0 && (
        <section aria-labelledby="blockers-title">
          <h2 id="blockers-title">{open.length > 0 ? `${open.length} blocker(s) to resolve first` : 'Blockers (resolved)'}</h2>
          <ul className="blockers">
            {design.blockers.map((b) => (
              <BlockerCard key={b.id} blocker={b} busy={req.busy} answer={answer} />
            ))}
          </ul>
        </section>
      )}
      {areas.map((area) => (
        <section key={area} aria-labelledby={`area-${area}`}>
          <h2 id={`area-${area}`}>{AREA_LABELS[area]}</h2>
          <ul className="decisions">
            {design.decisions
              .filter((d) => d.area === area)
              .map((d) => (
                <DecisionCard key={d.id} decision={d} design={design} project={project} busy={req.busy} answer={answer} />
              ))}
          </ul>
        </section>
      ))}
      <section aria-labelledby="not-mapped-title">
        <h2 id="not-mapped-title">Not mapped ({notMapped.length})</h2>
        {notMapped.length === 0 ? (
          <p>Everything found on the box has a place on AWS.</p>
        ) : (
          <ul>
            {notMapped.map((c) => (
              <li key={`${c.source}-${c.ref}`}>
                <strong>{c.ref}</strong> ({c.kind}): {c.detail}
              </li>
            ))}
          </ul>
        )}
      </section>
      {design.openQuestions.length > 0 && (
        <section aria-labelledby="assumptions-title">
          <h2 id="assumptions-title">Assumptions to confirm</h2>
          <ul>
            {design.openQuestions.map((q) => (
              <li key={q.text}>
                {q.text} <span className="muted">Assumed: {q.assumption}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onNext}>
          Continue to the load balancer
        </button>
      </div>
    </section>
  );
}
