import { createHash } from 'node:crypto';
import { evaluate, type Json } from '../../../shared/runner/jmespath.js';
import { expandEach } from '../../../shared/runner/resolve.js';
import type { AwsAction, PlanStep } from '../../../shared/schema/plan.js';
import { hintFor } from '../aws/errors.js';
import { emptyBucket } from '../aws/s3.js';
import { emptyZone } from './exec-zone.js';
import { adoptAfter, resourceToken } from './adopt.js';
import { callAws, errorCode, httpStatus, type AwsResponse } from './aws-call.js';
import { journaled } from './effect.js';
import { RunnerError } from './errors.js';
import type { Budget, Run } from './run.js';
import { maskParams } from './secrets.js';
import { waitEnvironment } from './waits.js';

type Params = Record<string, unknown>;

export function readOutputs(outputs: Record<string, string>, response: unknown): Record<string, Json> {
  return Object.fromEntries(Object.entries(outputs).map(([name, expr]) => [name, evaluate(expr, response)]));
}

/** Client tokens make a repeated create return the first one's resource. */
function withToken(run: Run, action: AwsAction, params: Params, key: string): Params {
  const token = (n: number) => createHash('sha256').update(`${run.id}/${key}`).digest('hex').slice(0, n);
  if (action.service === 'acm' && action.operation === 'RequestCertificate' && !params.IdempotencyToken) return { ...params, IdempotencyToken: token(32) };
  if (action.service === 'secretsmanager' && action.operation === 'CreateSecret' && !params.ClientRequestToken) return { ...params, ClientRequestToken: token(64) };
  return params;
}

/**
 * A platform branch ARN without a version (as the plan names it) becomes the branch's
 * recommended version, asked of Elastic Beanstalk at this moment: versions change every month.
 */
async function withPlatform(run: Run, action: AwsAction, params: Params): Promise<Params> {
  const arn = params.PlatformArn;
  const branch = typeof arn === 'string' ? /^arn:aws:elasticbeanstalk:[^:]*::platform\/([^/]+)$/.exec(arn)?.[1] : undefined;
  if (action.service !== 'elasticbeanstalk' || !branch) return params;
  const filters = [{ Type: 'PlatformBranchName', Operator: '=', Values: [branch] }];
  const recommended = await callAws(run.clients, 'elasticbeanstalk', 'ListPlatformVersions', { Filters: [...filters, { Type: 'PlatformLifecycleState', Operator: '=', Values: ['Recommended'] }] });
  const found = (recommended.PlatformSummaryList as { PlatformArn?: string }[] | undefined)?.[0]?.PlatformArn;
  if (!found) throw new RunnerError('STEP_FAILED', `Elastic Beanstalk offers no recommended version of the platform branch "${branch}" in ${run.clients.region}`, 'the branch may be retired: plan again to pick a supported Node.js branch');
  return { ...params, PlatformArn: found };
}

export function awsFailure(run: Run, what: string, err: unknown): RunnerError {
  if (err instanceof RunnerError) return err;
  const code = errorCode(err);
  return new RunnerError('STEP_FAILED', run.scrub(`${what} failed: ${code ? `${code}: ` : ''}${(err as Error)?.message ?? String(err)}`), hintFor(err) ?? 'fix the cause, then run apply again: what is done is not repeated', { cause: err });
}

/** Deleting what something else still uses: on the way back, that something is being removed too (a cluster leaving its subnet group, an environment its security group). */
const IN_USE = new Set(['DependencyViolation', 'CacheSubnetGroupInUse', 'InvalidDBSubnetGroupState', 'DeleteConflict', 'ResourceInUse', 'InvalidCacheClusterState', 'InvalidReplicationGroupState']);
const inUse = (err: unknown) => IN_USE.has(errorCode(err)) || (errorCode(err) === 'InvalidParameterValue' && /running environments/i.test((err as Error)?.message ?? ''));

const busy = (err: unknown) => errorCode(err) === 'InvalidParameterValue' && /invalid state|Must be Ready/i.test((err as Error)?.message ?? '');

/**
 * Deleting the plan's own container on the way back: what it holds goes with it, as the step's
 * undo says (a bucket's every object version, a zone's imported records), then the delete again.
 */
const EMPTY_FIRST: Record<string, { code: string; param: string; what: string; items: string; empty: (run: Run, id: string) => Promise<number> }> = {
  's3:DeleteBucket': { code: 'BucketNotEmpty', param: 'Bucket', what: 'bucket', items: 'object versions and delete markers', empty: (run, id) => emptyBucket(run.clients, id) },
  'route53:DeleteHostedZone': { code: 'HostedZoneNotEmpty', param: 'Id', what: 'hosted zone', items: 'record sets', empty: emptyZone },
};

/** An environment update refused because one is under way: wait for it, and skip ours if it was ours (same version). */
async function callWhenReady(run: Run, step: PlanStep, action: AwsAction, params: Params, budget: Budget, undo: boolean): Promise<{ response: AwsResponse; adopted: boolean }> {
  try {
    for (;;) {
      try {
        return { response: await callAws(run.clients, action.service, action.operation, params, run.opts.signal), adopted: false };
      } catch (err) {
        const emptier = undo ? EMPTY_FIRST[`${action.service}:${action.operation}`] : undefined;
        if (emptier && errorCode(err) === emptier.code) {
          const id = String(params[emptier.param]);
          const deleted = await emptier.empty(run, id);
          run.record({ type: 'note', step: step.id, key: `empty:${id}`, message: `emptied ${emptier.what} ${id}: ${deleted} ${emptier.items}` });
          continue;
        }
        if (!undo || !inUse(err) || budget.remaining() < run.pollMs()) throw err;
        await run.sleep(run.pollMs(10_000));
      }
    }
  } catch (err) {
    if (action.service !== 'elasticbeanstalk' || !busy(err) || typeof params.EnvironmentName !== 'string') throw err;
    const env = await waitEnvironment(run, step, params.EnvironmentName, budget, 'ready');
    if (action.operation === 'UpdateEnvironment' && params.VersionLabel !== undefined && env.VersionLabel === params.VersionLabel && !params.OptionSettings) return { response: env as AwsResponse, adopted: true };
    return { response: await callAws(run.clients, action.service, action.operation, params, run.opts.signal), adopted: false };
  }
}

/** An `aws` action: resolved, expanded over `$each`, each call journaled and adopted when already done. */
export async function awsAction(run: Run, step: PlanStep, key: string, action: AwsAction, budget: Budget, reuse: boolean, undo = false): Promise<Record<string, Json>> {
  const resolved = await run.resolve(action.params as Json);
  const sets = expandEach(resolved);
  const wantsStatus = Object.values(action.outputs).some((e) => e.startsWith('"$metadata"'));
  let outputs: Record<string, Json> = {};
  for (const [i, set] of sets.entries()) {
    const subKey = sets.length > 1 ? `${key}.${i}` : key;
    const params = await withPlatform(run, action, withToken(run, action, set.value as Params, subKey));
    const shown = { ...withToken(run, action, set.display as Params, subKey), ...(params.PlatformArn ? { PlatformArn: params.PlatformArn } : {}) };
    const got = await journaled(
      run,
      step.id,
      subKey,
      { kind: 'aws', service: action.service, operation: action.operation, params: maskParams(shown as Json), token: resourceToken(params) },
      async () => {
        try {
          const { response, adopted } = await callWhenReady(run, step, action, params, budget, undo);
          return { outputs: readOutputs(action.outputs, response), adopted };
        } catch (err) {
          if (wantsStatus && httpStatus(err) !== undefined && httpStatus(err)! < 500) return { outputs: readOutputs(action.outputs, { $metadata: { httpStatusCode: httpStatus(err) } }) };
          const adopted = await adoptAfter(run.clients, action.service, action.operation, params, err).catch((e: unknown) => {
            throw awsFailure(run, `${action.service}:${action.operation} (checking what exists)`, e);
          });
          if (!adopted) throw awsFailure(run, `${action.service}:${action.operation}`, err);
          return { outputs: readOutputs(action.outputs, adopted.response), adopted: true };
        }
      },
      reuse,
    );
    outputs = { ...outputs, ...got };
  }
  return outputs;
}
