import { validateOptionSettings } from '../../../shared/mapping/tables/eb-options.js';
import type { Json } from '../../../shared/runner/jmespath.js';
import { expandEach, resolveValue } from '../../../shared/runner/resolve.js';
import { inScope } from '../../../shared/runner/schedule.js';
import type { AwsAction, Plan } from '../../../shared/schema/plan.js';
import type { ApplyOptions, RunResult } from './apply.js';
import { callAws, errorCode } from './aws-call.js';
import { RunnerError } from './errors.js';
import { awsClientsFor, regionFor } from './migration.js';
import { checkPlan, migrationIdOf } from './plan-check.js';

/** Stands in for a value only a real run produces: the name of where it would come from. */
const placeholderSources = {
  output: (step: string, name: string): Json => `<${step}.${name}>`,
  sourceEnv: async (spec: { name: string }) => `<${spec.name} from the box>`,
  parameter: async (name: string) => `<SSM ${name}>`,
};

/** Thrown by the last middleware before the wire: the call got that far, so it is well-formed. */
class DryRunStop extends Error {}

/** Sends a call through the client's whole middleware stack (registry guard, tagging, serialisation) and stops it just before the wire. */
async function serialize(clients: ReturnType<typeof awsClientsFor>, action: AwsAction, params: unknown): Promise<void> {
  const client = clients[action.service as keyof typeof clients] as unknown as { middlewareStack: { add(m: unknown, o: object): void; remove(name: string): boolean } };
  const name = `skylift-dry-run-${Math.random()}`;
  client.middlewareStack.add(() => async () => {
    throw new DryRunStop('dry run');
  }, { step: 'finalizeRequest', priority: 'low', name });
  try {
    await callAws(clients, action.service, action.operation, params);
  } catch (err) {
    if (!(err instanceof DryRunStop)) throw err;
  } finally {
    client.middlewareStack.remove(name);
  }
}

type Setting = { Namespace?: string; OptionName?: string; Value?: string };

/** EB settings through ValidateConfigurationSettings when the application exists, else through the bundled option table. */
async function validateSettings(clients: ReturnType<typeof awsClientsFor>, params: Record<string, Json>): Promise<string[]> {
  const settings = (Array.isArray(params.OptionSettings) ? params.OptionSettings : []) as Setting[];
  const app = typeof params.ApplicationName === 'string' ? params.ApplicationName : null;
  const exists = app ? ((await callAws(clients, 'elasticbeanstalk', 'DescribeApplications', { ApplicationNames: [app] })).Applications as unknown[] | undefined)?.length : 0;
  // Values only a real run knows (placeholders) are left out: they are checked when they exist.
  const known = settings.filter((s) => !String(s.Value ?? '').startsWith('<'));
  if (app && exists) {
    const got = await callAws(clients, 'elasticbeanstalk', 'ValidateConfigurationSettings', { ApplicationName: app, ...(params.EnvironmentName && !params.SolutionStackName && !params.PlatformArn ? { EnvironmentName: params.EnvironmentName } : {}), OptionSettings: known });
    return ((got.Messages ?? []) as { Severity?: string; Message?: string }[]).filter((m) => m.Severity === 'error').map((m) => m.Message ?? '');
  }
  const lb = settings.find((s) => s.Namespace === 'aws:elasticbeanstalk:environment' && s.OptionName === 'LoadBalancerType')?.Value === 'classic' ? 'classic' : 'application';
  return validateOptionSettings(known.map((s) => ({ namespace: s.Namespace ?? '', optionName: s.OptionName ?? '', value: s.Value ?? '' })), lb);
}

/** `apply --dry-run`: every call of the steps in scope checked (registry, serialisation, EB settings); nothing is created and nothing journaled. */
export async function dryRun(plan: Plan, opts: ApplyOptions): Promise<RunResult> {
  const id = migrationIdOf(plan);
  const scope = inScope(plan, { ...(opts.until ? { until: opts.until } : {}), ...(opts.from ? { from: opts.from } : {}) });
  checkPlan(plan, scope);
  const clients = awsClientsFor(opts.aws, regionFor(plan, opts.aws), id);
  const problems: string[] = [];
  try {
    const identity = await callAws(clients, 'sts', 'GetCallerIdentity', {});
    if (plan.migration.accountId && plan.migration.accountId !== identity.Account) {
      throw new RunnerError('WRONG_ACCOUNT', `the plan is pinned to account ${plan.migration.accountId}, but these credentials are for ${String(identity.Account)}`, 'use credentials for the planned account');
    }
    let calls = 0;
    for (const step of plan.steps.filter((s) => scope.has(s.id))) {
      for (const action of [...step.actions, ...step.verify]) {
        if (action.kind !== 'aws') continue;
        const resolved = await resolveValue(action.params as Json, placeholderSources);
        for (const set of expandEach(resolved)) {
          calls++;
          try {
            await serialize(clients, action, set.value);
            if (action.service === 'elasticbeanstalk' && /^(Create|Update)Environment$/.test(action.operation)) {
              for (const p of await validateSettings(clients, set.value as Record<string, Json>)) problems.push(`${step.id}: ${action.operation}: ${p}`);
            }
          } catch (err) {
            problems.push(`${step.id}: ${action.service}:${action.operation}: ${errorCode(err) || ''} ${(err as Error).message}`.trim());
          }
        }
      }
    }
    opts.onEvent?.({ type: 'notice', step: null, level: 'info', message: `dry run: ${calls} calls in ${scope.size} steps checked, nothing created` });
    for (const p of problems) opts.onEvent?.({ type: 'notice', step: null, level: 'warn', message: p });
  } finally {
    clients.destroy();
  }
  return problems.length === 0
    ? { id, result: 'completed', reason: 'dry run: every call is valid', error: null }
    : { id, result: 'failed', reason: `dry run found ${problems.length} problem(s)`, error: new RunnerError('PLAN_INVALID', `dry run found ${problems.length} problem(s): ${problems.join('; ')}`, 'fix the answers and plan again') };
}
