import { CreateApiDestinationCommand, CreateConnectionCommand, DeleteApiDestinationCommand, DeleteConnectionCommand, DeleteRuleCommand, DescribeConnectionCommand, DisableRuleCommand, EnableRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { expect } from 'vitest';
import { eventsState } from '../../../support/aws-double/services/events.js';
import { SKYLIFT_TAG, type CaseContext, type OperationCase } from './context.js';

const RULE = 'skylift-mig-test-0001-report';
const CONNECTION = 'skylift-mig-test-0001-web-cron';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/skylift-mig-test-0001-events';

// The product's clients make only registered calls; what they made is read from the double's state.
const stateOf = (ctx: CaseContext) => eventsState(ctx.session.double.world, ctx.session.user.account, 'us-east-1');
const ruleOf = (ctx: CaseContext) => stateOf(ctx).rules.get(RULE);

/** EventBridge schedules replacing a cron job, in the order provision-schedules and its undo call them. */
export const eventsCases: OperationCase[] = [
  {
    name: 'EventBridge connection: API key kept, never described back; a second one by the same name refused',
    ops: ['events:CreateConnection'],
    async run(ctx) {
      const { events } = ctx.clients;
      const input = { Name: CONNECTION, AuthorizationType: 'API_KEY' as const, AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-skylift-cron-token', ApiKeyValue: 'cron-secret-value' } } };
      const created = await events.send(new CreateConnectionCommand(input));
      expect(created.ConnectionState).toBe('AUTHORIZED');
      expect(created.ConnectionArn).toMatch(new RegExp(`^arn:aws:events:[a-z0-9-]+:\\d{12}:connection/${CONNECTION}/`));
      // As AWS does, DescribeConnection (not a call the product makes) leaves the key's value out.
      const reader = new EventBridgeClient({ region: 'us-east-1', endpoint: ctx.session.double.endpoint, credentials: ctx.session.user });
      const described = await reader.send(new DescribeConnectionCommand({ Name: CONNECTION }));
      reader.destroy();
      expect(described.AuthParameters).toEqual({ ApiKeyAuthParameters: { ApiKeyName: 'x-skylift-cron-token' } });
      expect(JSON.stringify(described)).not.toContain('cron-secret-value');
      expect(stateOf(ctx).connections.get(CONNECTION)?.authParameters.ApiKeyAuthParameters?.ApiKeyValue).toBe('cron-secret-value');
      await expect(events.send(new CreateConnectionCommand(input))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
      ctx.set('connectionArn', created.ConnectionArn);
    },
  },
  {
    name: 'API destination: HTTPS only, on an existing connection',
    ops: ['events:CreateApiDestination'],
    async run(ctx) {
      const { events } = ctx.clients;
      const input = { Name: RULE, ConnectionArn: ctx.get('connectionArn'), InvocationEndpoint: 'https://app.example.com/jobs/report', HttpMethod: 'POST' as const, InvocationRateLimitPerSecond: 1 };
      await expect(events.send(new CreateApiDestinationCommand({ ...input, InvocationEndpoint: 'http://app.example.com/jobs/report' }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(events.send(new CreateApiDestinationCommand({ ...input, ConnectionArn: `${ctx.get('connectionArn')}x` }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      const created = await events.send(new CreateApiDestinationCommand(input));
      expect(created.ApiDestinationState).toBe('ACTIVE');
      expect(created.ApiDestinationArn).toMatch(new RegExp(`:api-destination/${RULE}/`));
      ctx.set('destinationArn', created.ApiDestinationArn);
    },
  },
  {
    name: 'rule: schedule expression checked, created disabled with the migration tag',
    ops: ['events:PutRule'],
    async run(ctx) {
      const { events } = ctx.clients;
      for (const bad of ['cron(0 3 * * *)', 'cron(0 3 * * * *)', 'rate(1 minutes)', 'rate(0 hours)', '0 3 * * *']) {
        await expect(events.send(new PutRuleCommand({ Name: RULE, ScheduleExpression: bad })), bad).rejects.toMatchObject({ name: 'ValidationException' });
      }
      const put = await events.send(new PutRuleCommand({ Name: RULE, ScheduleExpression: 'cron(0 3 * * ? *)', State: 'DISABLED', Description: '0 3 * * * node report.js' }));
      expect(put.RuleArn).toMatch(new RegExp(`:rule/${RULE}$`));
      expect(ruleOf(ctx)).toMatchObject({ state: 'DISABLED', scheduleExpression: 'cron(0 3 * * ? *)' });
      expect(ruleOf(ctx)?.tags).toContainEqual(SKYLIFT_TAG);
    },
  },
  {
    name: 'target: the API destination, invoked with a role',
    ops: ['events:PutTargets'],
    async run(ctx) {
      const { events } = ctx.clients;
      const target = { Id: 'app', Arn: ctx.get('destinationArn') };
      expect(await events.send(new PutTargetsCommand({ Rule: RULE, Targets: [target] }))).toMatchObject({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'app' }] });
      expect(await events.send(new PutTargetsCommand({ Rule: RULE, Targets: [{ ...target, RoleArn: ROLE_ARN }] }))).toMatchObject({ FailedEntryCount: 0 });
      await expect(events.send(new PutTargetsCommand({ Rule: 'no-such-rule', Targets: [{ ...target, RoleArn: ROLE_ARN }] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect([...ruleOf(ctx)!.targets.values()]).toEqual([{ ...target, RoleArn: ROLE_ARN }]);
    },
  },
  {
    name: 'switch: rule enabled',
    ops: ['events:EnableRule'],
    async run(ctx) {
      const { events } = ctx.clients;
      await events.send(new EnableRuleCommand({ Name: RULE }));
      expect(ruleOf(ctx)?.state).toBe('ENABLED');
      await expect(events.send(new EnableRuleCommand({ Name: 'no-such-rule' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    },
  },
  {
    name: 'switch undone: rule disabled',
    ops: ['events:DisableRule'],
    async run(ctx) {
      await ctx.clients.events.send(new DisableRuleCommand({ Name: RULE }));
      expect(ruleOf(ctx)?.state).toBe('DISABLED');
    },
  },
  {
    name: 'targets removed from the rule',
    ops: ['events:RemoveTargets'],
    async run(ctx) {
      const { events } = ctx.clients;
      await expect(events.send(new DeleteRuleCommand({ Name: RULE }))).rejects.toMatchObject({ name: 'ValidationException' });
      expect(await events.send(new RemoveTargetsCommand({ Rule: RULE, Ids: ['app'] }))).toMatchObject({ FailedEntryCount: 0 });
      expect(ruleOf(ctx)?.targets.size).toBe(0);
    },
  },
  {
    name: 'rule deleted',
    ops: ['events:DeleteRule'],
    async run(ctx) {
      await ctx.clients.events.send(new DeleteRuleCommand({ Name: RULE }));
      expect(ruleOf(ctx)).toBeUndefined();
      await expect(ctx.clients.events.send(new EnableRuleCommand({ Name: RULE }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    },
  },
  {
    name: 'API destination deleted',
    ops: ['events:DeleteApiDestination'],
    async run({ clients: { events } }) {
      await events.send(new DeleteApiDestinationCommand({ Name: RULE }));
      await expect(events.send(new DeleteApiDestinationCommand({ Name: RULE }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    },
  },
  {
    name: 'connection deleted',
    ops: ['events:DeleteConnection'],
    async run(ctx) {
      expect((await ctx.clients.events.send(new DeleteConnectionCommand({ Name: CONNECTION }))).ConnectionState).toBe('DELETING');
      expect(stateOf(ctx).connections.has(CONNECTION)).toBe(false);
    },
  },
];
