import { QuestionDialog } from './question-dialog.js';

/** A cutover (or rollback) gate: the runner stops here until a person says yes. */
export function GateDialog({ question, onAnswer }: { question: string; onAnswer: (yes: boolean) => void }) {
  return (
    <QuestionDialog id="gate-title" title="Ready for the next step?" yes="Go ahead" no="Not now" onAnswer={onAnswer}>
      <p className="gate-question">{question}</p>
      <p>Nothing happens until you say so. "Not now" pauses the run here; resume it whenever you are ready.</p>
    </QuestionDialog>
  );
}
