import type { Json } from '../../../shared/runner/jmespath.js';
import type { CallRecord } from '../../../shared/schema/journal.js';
import { errorCode } from './aws-call.js';
import type { Run } from './run.js';

export interface Intent {
  kind: CallRecord['kind'];
  service: string | null;
  operation: string;
  /** Display form: secrets already masked. */
  params: Json;
  token: string | null;
}

export interface Outcome {
  outputs: Record<string, Json>;
  adopted?: boolean;
}

/**
 * One external effect, journaled: the intent is fsync'd before it happens and the outcome after.
 * With `reuse`, an effect the journal shows done (in this attempt of the step) is not repeated:
 * its recorded outputs are returned.
 */
export async function journaled(run: Run, step: string, key: string, intent: Intent, act: () => Promise<Outcome>, reuse = true): Promise<Record<string, Json>> {
  const prior = reuse ? run.state.results.get(key) : undefined;
  if (prior) return prior.outputs as Record<string, Json>;
  run.checkCancelled();
  const call = run.record({ type: 'call', step, key, ...intent });
  try {
    const outcome = await act();
    run.record({ type: 'result', call: call.seq, key, ok: true, outputs: outcome.outputs, adopted: outcome.adopted ?? false });
    return outcome.outputs;
  } catch (err) {
    run.record({ type: 'result', call: call.seq, key, ok: false, outputs: {}, error: run.scrub((err as Error)?.message ?? String(err)), code: errorCode(err) || null });
    throw err;
  }
}
