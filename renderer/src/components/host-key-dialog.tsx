import type { HostKeyQuestion } from '../../../shared/ipc/events.js';
import { QuestionDialog } from './question-dialog.js';

/** First contact with a box: show its key fingerprint and let the user compare before trusting it. */
export function HostKeyDialog({ question, onAnswer }: { question: HostKeyQuestion; onAnswer: (trust: boolean) => void }) {
  const keyFile = `/etc/ssh/ssh_host_${question.keyType.replace(/^ssh-|-sha2-.*$/g, '')}_key.pub`;
  return (
    <QuestionDialog id="host-key-title" title="Is this really your box?" yes="They match: trust and continue" no="Don't connect" onAnswer={onAnswer}>
      <p>
        Skylift has never connected to <strong>{question.label}</strong> before. It presented this {question.keyType} key:
      </p>
      <p className="fingerprint" aria-label="Host key fingerprint">
        {question.fingerprint}
      </p>
      <p>
        Compare it with the fingerprint your provider's console shows, or run <code>ssh-keygen -lf {keyFile}</code> on the box. If they match, trust it: Skylift
        remembers it and will stop if it ever changes.
      </p>
    </QuestionDialog>
  );
}
