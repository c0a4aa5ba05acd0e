import { Modal } from './modal.js';

/** A cutover gate: the runner stops here until a person says yes. */
export function GateDialog({ question, onAnswer }: { question: string; onAnswer: (yes: boolean) => void }) {
  return (
    <Modal labelledBy="gate-title" onCancel={() => onAnswer(false)}>
      <h2 id="gate-title">Ready for the next step?</h2>
      <p className="gate-question">{question}</p>
      <p>Nothing happens until you say so. "Not now" pauses the cutover here; resume it whenever you are ready.</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => onAnswer(true)}>
          Go ahead
        </button>
        <button type="button" onClick={() => onAnswer(false)}>
          Not now
        </button>
      </div>
    </Modal>
  );
}
