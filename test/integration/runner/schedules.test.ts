/**
 * The box's cron jobs as EventBridge schedules, run by the runner on the AWS double: created
 * disabled (with the API destination, its connection holding the cron token from SSM, and the
 * role), enabled by the switch step, and all of it gone after rollback.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { rollback } from '../../../electron/engine/runner/rollback.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Action, Plan, PlanStep } from '../../../shared/schema/plan.js';
import { eventsState } from '../../support/aws-double/services/events.js';
import { runPlan, step } from '../../unit/plan/run-plan.js';
import { filesUnder, newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';

const sample = SAMPLES['node12-uploads-crons']!;

type AwsAction = Extract<Action, { kind: 'aws' }>;
const awsCalls = (s: PlanStep, operation: string) => s.actions.filter((a): a is AwsAction => a.kind === 'aws' && a.operation === operation);

/** The sample's plan cut down to its schedule steps, after the one action they need first: the cron token stored in SSM. */
function schedulesPlan(): { plan: Plan; env: string } {
  const { plan } = runPlan([sample]);
  const provision = plan.steps.find((s) => s.id.startsWith('provision-schedules-'));
  if (!provision) throw new Error('the plan has no schedules step');
  const env = provision.id.slice('provision-schedules-'.length);
  const config = step(plan, `provision-app-config-${env}`);
  const token = config.actions.find((a) => a.kind === 'data-copy' && a.method === 'ssm-generate');
  if (!token || token.kind !== 'data-copy') throw new Error('the plan generates no cron token');
  const tokenName = String((token.target as { parameterName: string }).parameterName);
  const tokenStep: PlanStep = { ...config, dependsOn: [], actions: [token], verify: [], undo: { kind: 'actions', summary: 'Delete the token.', actions: [{ kind: 'aws', service: 'ssm', operation: 'DeleteParameters', params: { Names: [tokenName] }, outputs: {} }], verify: [] } };
  // The switch also deploys the sample's worker environment; only its rule calls are kept.
  const switchStep = step(plan, `switch-schedules-${env}`);
  const onlyEvents = (actions: Action[]) => actions.filter((a) => a.kind === 'aws' && a.service === 'events');
  if (switchStep.undo.kind !== 'actions') throw new Error('the switch step has no undo actions');
  const switchRules: PlanStep = { ...switchStep, dependsOn: [provision.id], actions: onlyEvents(switchStep.actions), verify: [], undo: { ...switchStep.undo, actions: onlyEvents(switchStep.undo.actions) } };
  const steps = [tokenStep, { ...provision, dependsOn: [config.id] }, switchRules];
  return { plan: { ...plan, migration: { ...plan.migration, name: 'schedules-test' }, applicable: true, openBlockers: [], steps, downtime: { steps: [], maxMinutes: 0 } }, env };
}

describe('the EventBridge schedule steps', () => {
  let world: RunnerWorld;
  beforeAll(async () => {
    world = await startRunnerWorld({ speed: 2000, domain: 'schedules.example.test', appEnvironments: [] });
  });
  afterAll(async () => world?.close());

  it('creates the rules disabled, enables them at the switch, and rollback removes them all', async () => {
    const { plan, env } = schedulesPlan();
    const provision = step(plan, `provision-schedules-${env}`);
    const rules = awsCalls(provision, 'PutRule').map((a) => a.params as { Name: string; ScheduleExpression: string });
    expect(rules.length).toBeGreaterThan(0);
    const connectionName = String((awsCalls(provision, 'CreateConnection')[0]!.params as { Name: string }).Name);
    const tokenName = String(((awsCalls(provision, 'CreateConnection')[0]!.params as { AuthParameters: { ApiKeyAuthParameters: { ApiKeyValue: { $parameter: string } } } }).AuthParameters.ApiKeyAuthParameters.ApiKeyValue.$parameter));
    const events = () => eventsState(world.double.world, world.user.account, plan.migration.region);
    const home = await newHome();

    // Provision only: the rules exist, disabled, each calling its API destination with the role.
    const provisioned = await apply(plan, { ...world.options(home, { yes: true }), until: 'provision' });
    expect(provisioned.error?.message ?? null).toBeNull();
    expect(provisioned.result).toBe('stopped');
    for (const r of rules) {
      const made = events().rules.get(r.Name)!;
      expect(made).toMatchObject({ state: 'DISABLED', scheduleExpression: r.ScheduleExpression });
      expect(made.tags).toContainEqual({ Key: 'skylift:migration', Value: 'schedules-test' });
      const destination = events().destinations.get(r.Name)!;
      expect([...made.targets.values()]).toEqual([{ Id: 'app', Arn: destination.arn, RoleArn: expect.stringMatching(/^arn:aws:iam::\d{12}:role\/skylift-/) }]);
      expect(destination).toMatchObject({ endpoint: expect.stringMatching(/^https:\/\//), method: 'POST', connectionArn: events().connections.get(connectionName)!.arn });
    }

    // The connection holds the token the first step stored; no file the runner wrote holds it.
    const ssm = new SSMClient({ region: plan.migration.region, endpoint: world.double.endpoint, credentials: { accessKeyId: world.user.accessKeyId, secretAccessKey: world.user.secretAccessKey } });
    const token = (await ssm.send(new GetParameterCommand({ Name: tokenName, WithDecryption: true }))).Parameter!.Value!;
    ssm.destroy();
    expect(events().connections.get(connectionName)!.authParameters.ApiKeyAuthParameters).toEqual({ ApiKeyName: 'x-skylift-cron-token', ApiKeyValue: token });
    expect(await filesUnder(home)).not.toContain(token);

    // The switch: every rule enabled, schedule and targets unchanged.
    const switched = await apply(plan, world.options(home, { yes: true }));
    expect(switched.error?.message ?? null).toBeNull();
    expect(switched.result).toBe('completed');
    for (const r of rules) expect(events().rules.get(r.Name)).toMatchObject({ state: 'ENABLED', scheduleExpression: r.ScheduleExpression });
    expect([...events().rules.values()].every((r) => r.targets.size === 1)).toBe(true);

    const back = await rollback(plan.migration.name, world.options(home, { yes: true }));
    expect(back.error?.message ?? null).toBeNull();
    expect(back.result).toBe('completed');
    expect(events().rules.size).toBe(0);
    expect(events().destinations.size).toBe(0);
    expect(events().connections.size).toBe(0);
  });
});
