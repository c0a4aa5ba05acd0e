import type { UiError } from '../../../shared/ipc/events.js';

/** An error where it happened: what went wrong and what to do next. */
export function ErrorNotice({ error, onDismiss }: { error: UiError | null; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div role="alert" className="notice notice-error">
      <p className="notice-title">{error.message}</p>
      <p>
        <strong>What to do:</strong> {error.hint}
      </p>
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
