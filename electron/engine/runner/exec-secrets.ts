import { randomBytes } from 'node:crypto';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { Action, PlanStep } from '../../../shared/schema/plan.js';
import { replaceHost } from '../../../shared/runner/resolve.js';
import { MIGRATION_TAG } from '../aws/clients.js';
import { callAws, errorCode } from './aws-call.js';
import { journaled } from './effect.js';
import { awsFailure } from './exec-aws.js';
import { RunnerError } from './errors.js';
import type { Run } from './run.js';

type DataCopy = Extract<Action, { kind: 'data-copy' }>;
type Obj = Record<string, Json>;

/**
 * An app secret moved from the box to SSM Parameter Store as a SecureString: read over SSH at this
 * moment and sent straight to SSM. The value never reaches the plan, the journal, a log or a file.
 * A generated secret is made once: a resume keeps the one already stored.
 */
export async function secretToSsm(run: Run, step: PlanStep, key: string, action: DataCopy): Promise<Record<string, Json>> {
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const name = String(target.parameterName ?? '');
  if (!name) throw new RunnerError('PLAN_INVALID', `${step.id}: a secret without a parameter name`, 'regenerate the plan');
  const generate = action.method === 'ssm-generate';
  const tags = [...((Array.isArray(target.tags) ? target.tags : []) as { Key: string; Value: string }[]).filter((t) => t.Key !== MIGRATION_TAG)];
  return journaled(run, step.id, key, { kind: 'secret', service: 'ssm', operation: 'PutParameter', params: { Name: name, Type: 'SecureString', Value: generate ? '<generated>' : `<${String(source.name)} from ${String(source.host)}>` }, token: `Name=${name}` }, async () => {
    const read = generate ? run.secret(randomBytes(32).toString('base64url')) : await run.sources().sourceEnv({ host: String(source.host), dir: String(source.dir), name: String(source.name) });
    const finalValue = typeof source.replaceHost === 'string' ? run.secret(replaceHost(read, source.replaceHost)) : read;
    try {
      await callAws(run.clients, 'ssm', 'PutParameter', { Name: name, Value: finalValue, Type: 'SecureString', Tags: tags });
      return { outputs: {} };
    } catch (err) {
      if (errorCode(err) !== 'ParameterAlreadyExists') throw awsFailure(run, `${step.id}: storing ${name}`, err);
      if (generate) return { outputs: {}, adopted: true };
      // Written by an earlier, interrupted attempt (tags and overwrite cannot go together): write the value again.
      await callAws(run.clients, 'ssm', 'PutParameter', { Name: name, Value: finalValue, Type: 'SecureString', Overwrite: true }).catch((e: unknown) => {
        throw awsFailure(run, `${step.id}: storing ${name}`, e);
      });
      return { outputs: {}, adopted: true };
    }
  });
}
