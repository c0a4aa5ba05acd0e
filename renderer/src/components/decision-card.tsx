import type { ProjectState } from '../../../shared/ipc/project.js';
import type { AnswerValue } from '../../../shared/schema/answers.js';
import type { Decision, TargetDesign } from '../../../shared/schema/design.js';
import { QuestionControl } from './question-control.js';

const show = (v: AnswerValue): string => (v === null ? 'none' : Array.isArray(v) ? v.join(', ') || 'none' : String(v));

/** Sets an answer, or with `undefined` returns it to Skylift's default. */
export type Answer = (key: string, value: AnswerValue | undefined) => void;

/** One mapping decision: its value, why, what was seen, the alternatives and the control to change it. */
export function DecisionCard({ decision, design, project, busy, answer }: { decision: Decision; design: TargetDesign; project: ProjectState; busy: boolean; answer: Answer }) {
  const question = decision.answerKey ? design.questions.find((q) => q.key === decision.answerKey) : undefined;
  const key = decision.answerKey ?? '';
  const current = design.answers.find((a) => a.key === key)?.value;
  return (
    <li className="decision">
      <h4>
        {decision.title}: <span className="value">{show(decision.value)}</span>
      </h4>
      <p>{decision.reason}</p>
      {decision.facts.length > 0 && <p className="muted">Seen on the box: {decision.facts.join('; ')}</p>}
      {decision.warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      {decision.alternatives.length > 0 && (
        <details>
          <summary>Alternatives ({decision.alternatives.length})</summary>
          <ul>
            {decision.alternatives.map((a) => (
              <li key={a.value}>
                <strong>{a.value}</strong>: {a.why}
              </li>
            ))}
          </ul>
        </details>
      )}
      {question && (
        <QuestionControl key={`${key}-${show(current ?? null)}`} question={question} value={current} given={key in project.answers} busy={busy} onAnswer={(v) => answer(key, v)} onReset={() => answer(key, undefined)} />
      )}
    </li>
  );
}

