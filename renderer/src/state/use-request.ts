import { useCallback, useState } from 'react';
import type { UiError } from '../../../shared/ipc/events.js';
import { asUiError } from '../skylift-api.js';

/** Runs one request at a time for a control, keeping its error where it happened. */
export function useRequest(): { busy: boolean; error: UiError | null; run<T>(work: () => Promise<T>): Promise<T | undefined>; clear(): void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (err) {
      setError(asUiError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
