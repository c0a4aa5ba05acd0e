import type { ReactNode } from 'react';
import { Modal } from './modal.js';

/** A modal yes/no question; Escape and the second button give the safe answer. */
export function QuestionDialog({ id, title, yes, no, onAnswer, children }: { id: string; title: string; yes: string; no: string; onAnswer: (yes: boolean) => void; children: ReactNode }) {
  return (
    <Modal labelledBy={id} onCancel={() => onAnswer(false)}>
      <h2 id={id}>{title}</h2>
      {children}
      <div className="actions">
        <button type="button" className="primary" onClick={() => onAnswer(true)}>
          {yes}
        </button>
        <button type="button" onClick={() => onAnswer(false)}>
          {no}
        </button>
      </div>
    </Modal>
  );
}
