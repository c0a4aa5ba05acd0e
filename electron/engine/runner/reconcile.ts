import type { Json } from '../../../shared/runner/jmespath.js';
import { readAdopted } from './adopt.js';
import { readOutputs } from './exec-aws.js';
import type { Run } from './run.js';

/**
 * Calls whose outcome a crash kept out of the journal: each create is looked up in AWS by the
 * name (or token) its intent recorded. Found: its outputs are journaled as if the call had
 * answered, so later steps (and undo actions) can refer to it. Not found: recorded as not made.
 * Anything else is left to the step's own re-run, which adopts what exists.
 */
export async function reconcileInFlight(run: Run): Promise<void> {
  for (const call of [...run.state.inFlight.values()]) {
    if (call.kind !== 'aws' || call.service === null) continue;
    const step = run.plan.steps.find((s) => s.id === call.step);
    const index = Number(call.key.split('#').pop()?.split('.')[0]);
    const action = call.key.includes('#undo#') ? undefined : step?.actions[index];
    if (!action || action.kind !== 'aws' || action.operation !== call.operation) continue;
    const found = await readAdopted(run.clients, call.service, call.operation, call.params as Record<string, unknown>).catch(() => undefined);
    if (found === undefined) continue;
    if (found === null) {
      run.record({ type: 'result', call: call.seq, key: call.key, ok: false, outputs: {}, error: 'not made: the previous run stopped before AWS received it', code: 'RECONCILED' });
    } else {
      run.record({ type: 'result', call: call.seq, key: call.key, ok: true, outputs: readOutputs(action.outputs, found) as Record<string, Json>, adopted: true });
    }
    run.emit({ type: 'notice', step: call.step, level: 'info', message: `reconciled ${call.service}:${call.operation} (${call.token ?? call.key}): ${found === null ? 'not made' : 'exists, adopted'}` });
  }
}
