import { useId, useState } from 'react';
import type { AnswerValue, Question } from '../../../shared/schema/answers.js';

const show = (v: AnswerValue | undefined): string => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

function parse(q: Question, text: string): AnswerValue | undefined {
  const t = text.trim();
  if (q.kind === 'number') return t !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined;
  if (q.kind === 'list') return t.split(/[\s,]+/).filter(Boolean);
  return t === '' ? undefined : t;
}

/** The control that changes one mapping decision: its question's choices, or a field. */
export function QuestionControl({ question, value, given, busy, onAnswer, onReset }: {
  question: Question;
  value: AnswerValue | undefined;
  given: boolean;
  busy: boolean;
  onAnswer: (v: AnswerValue) => void;
  onReset: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(show(value));
  const [invalid, setInvalid] = useState(false);
  const reset = given && (
    <button type="button" className="link" disabled={busy} onClick={onReset}>
      Back to Skylift's choice
    </button>
  );
  if (question.kind === 'choice' && question.choices.length > 0) {
    return (
      <div className="question">
        <label htmlFor={id}>{question.prompt}</label>
        <select id={id} value={show(value)} disabled={busy} onChange={(e) => onAnswer(e.target.value)}>
          {value === null || value === undefined ? <option value="">Choose…</option> : null}
          {question.choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        {reset}
        <ul className="choices">
          {question.choices.map((c) => (
            <li key={c.value}>
              <strong>{c.label}:</strong> {c.consequence}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (question.kind === 'boolean') {
    return (
      <div className="question">
        <label>
          <input type="checkbox" checked={value === true} disabled={busy} onChange={(e) => onAnswer(e.target.checked)} /> {question.prompt}
        </label>
        {reset}
      </div>
    );
  }
  return (
    <form
      className="question"
      onSubmit={(e) => {
        e.preventDefault();
        const v = parse(question, text);
        setInvalid(v === undefined);
        if (v !== undefined) onAnswer(v);
      }}
    >
      <label htmlFor={id}>{question.prompt}</label>
      <div className="row">
        <input id={id} value={text} inputMode={question.kind === 'number' ? 'numeric' : undefined} aria-invalid={invalid} aria-describedby={`${id}-help`} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={busy}>
          Apply
        </button>
        {reset}
      </div>
      <p id={`${id}-help`} className="help">
        {invalid ? `Enter a ${question.kind === 'number' ? 'number' : 'value'}. ` : ''}
        {question.kind === 'list' ? 'Separate values with commas. ' : ''}Default: {show(question.default) || 'none'} — {question.defaultReason}
      </p>
    </form>
  );
}
