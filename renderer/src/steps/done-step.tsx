import type { ProjectState } from '../../../shared/ipc/project.js';
import { StepHeading } from '../components/step-heading.js';
import { RollbackPanel } from './rollback-panel.js';

/** After the switch: what to check, how to go back, what to switch off and when. */
export function DoneStep({ project, onRollback }: { project: ProjectState; onRollback: (jobId: string) => void }) {
  const { plan } = project;
  if (!plan) return <p>There is no plan yet.</p>;
  const watch = plan.steps.filter((s) => s.phase === 'watch');
  const decommission = plan.steps.filter((s) => s.phase === 'decommission');
  const undoable = [...plan.steps].reverse().filter((s) => s.undo.kind === 'actions');
  return (
    <section aria-labelledby="done-title">
      <StepHeading id="done-title">You are on AWS</StepHeading>
      <h2>Checks after the move</h2>
      <ul>
        {watch.map((s) => (
          <li key={s.id}>
            <strong>{s.title}</strong>: {s.why}
          </li>
        ))}
      </ul>
      <h2>How to go back</h2>
      <ol>
        {undoable.map((s) => (
          <li key={s.id}>
            {s.title}: {s.undo.kind === 'actions' ? s.undo.summary : ''}
          </li>
        ))}
      </ol>
      <RollbackPanel project={project} resume={false} onStarted={onRollback} />
      <h2>What to switch off, and when</h2>
      <ul>
        {decommission.map((s) => (
          <li key={s.id}>
            <strong>{s.title}</strong>: {s.why}
            {s.pointOfNoReturn && <span className="badge">point of no return</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
