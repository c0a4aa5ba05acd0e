import { DataError, isDataError } from '../../../shared/data/data-error.js';
import type { VersionFinding } from '../../../shared/schema/data.js';
import type { ProgressMeter } from './progress-meter.js';

/** Throws CANCELLED once the signal is aborted. */
export function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DataError('CANCELLED', 'the copy was cancelled', 'run it again when ready');
}

/**
 * The error a failed copy ends with: CANCELLED when the signal fired, a DataError as is, a driver
 * error through the engine's own mapping (anything else — a bug — as it is); `targetClean` says
 * what cleanup achieved.
 */
export function failWith(err: unknown, signal: AbortSignal | undefined, targetClean: boolean, map: (err: unknown) => DataError | null): unknown {
  const out = signal?.aborted && !isDataError(err, 'SSH_LOST') ? new DataError('CANCELLED', 'the copy was cancelled', 'run it again when ready', { cause: err }) : isDataError(err) ? err : map(err);
  if (out === null) return err;
  out.targetClean = targetClean;
  if (!targetClean) {
    return new DataError(out.code, `${out.message}; cleaning the target up failed too`, `${out.hint}; then remove what the copy left on the target by hand (or run again with --replace)`, { cause: err, targetClean: false });
  }
  return out;
}

/** Announces warnings; refuses the copy when a rule says it cannot work. */
export function versionFailure(findings: VersionFinding[], meter: ProgressMeter): void {
  for (const f of findings) if (f.level === 'warn') meter.notice('warn', f.message);
  const errors = findings.filter((f) => f.level === 'error');
  if (errors.length) {
    throw new DataError(errors.some((f) => f.rule.startsWith('target') || f.rule.startsWith('dump')) ? 'VERSION' : 'INCOMPATIBLE', errors.map((f) => f.message).join('; '), 'nothing was copied: fix what is named above, then run again');
  }
}

/** e.g. `PostgreSQL 15.4 on root@box:22 (port 5432)`. */
export const sourceLabel = (product: string, version: string, box: string, port?: number): string => `${product} ${version} on ${box}${port ? ` (port ${port})` : ''}`;

/** A pause between two polls that ends early when the signal aborts (the caller then checks `cancelled`). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
