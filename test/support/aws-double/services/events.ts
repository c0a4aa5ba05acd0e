import * as sdk from '@aws-sdk/client-eventbridge';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { mergeTags, type Tag } from '../util.js';
import type { CallContext, World } from '../world.js';

interface RuleRecord {
  name: string;
  arn: string;
  state: 'ENABLED' | 'DISABLED';
  scheduleExpression?: string;
  eventPattern?: string;
  description?: string;
  roleArn?: string;
  tags: Tag[];
  targets: Map<string, sdk.Target>;
}

interface ConnectionRecord {
  name: string;
  arn: string;
  authorizationType: string;
  /** Kept as sent (the real service stores them in a secret); answered without the secret values. */
  authParameters: sdk.CreateConnectionAuthRequestParameters;
  description?: string;
  created: Date;
}

interface ApiDestinationRecord {
  name: string;
  arn: string;
  connectionArn: string;
  endpoint: string;
  method: string;
  rateLimit?: number;
  created: Date;
}

export class EventsState {
  rules = new Map<string, RuleRecord>();
  connections = new Map<string, ConnectionRecord>();
  destinations = new Map<string, ApiDestinationRecord>();
}

/** One account's and region's EventBridge state (tests read it for what AWS offers no call for, such as secrets kept). */
export const eventsState = (world: World, account: string, region: string) => world.scoped('events', account, region, () => new EventsState());
const stateOf = (ctx: CallContext) => eventsState(ctx.world, ctx.account, ctx.region);

const validation = (message: string) => new AwsFault('ValidationException', message, 400);
const notFound = (message: string) => new AwsFault('ResourceNotFoundException', message, 400);
const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

function checkName(name: string | undefined, field = 'Name'): string {
  const value = required(name, field, 'ValidationException');
  if (!NAME.test(value)) throw validation(`1 validation error detected: Value '${value}' at '${field.toLowerCase()}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`);
  return value;
}

const RATE_UNITS = ['minute', 'hour', 'day'];

/** `rate(n unit)` with the unit singular for 1 and plural otherwise, or `cron(...)` with EventBridge's
 * six fields, of which day-of-month or day-of-week (not both) is `?`. */
export function validScheduleExpression(expression: string): boolean {
  const rate = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    return n > 0 && (n === 1 ? RATE_UNITS.includes(unit) : RATE_UNITS.map((u) => `${u}s`).includes(unit));
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return false;
  const fields = (cron[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6 || !fields.every((f) => /^[0-9A-Za-z*?,\-/#]+$/.test(f))) return false;
  const [, , dayOfMonth, , dayOfWeek] = fields;
  return (dayOfMonth === '?') !== (dayOfWeek === '?');
}

function rule(ctx: CallContext, name: string | undefined): RuleRecord {
  const key = required(name, 'Name', 'ValidationException');
  const found = stateOf(ctx).rules.get(key);
  if (!found) throw notFound(`Rule ${key} does not exist on EventBus default.`);
  return found;
}

function connection(ctx: CallContext, name: string | undefined): ConnectionRecord {
  const key = required(name, 'Name', 'ValidationException');
  const found = stateOf(ctx).connections.get(key);
  if (!found) throw notFound(`Failed to describe the connection(s). Connection '${key}' does not exist.`);
  return found;
}

function destination(ctx: CallContext, name: string | undefined): ApiDestinationRecord {
  const key = required(name, 'Name', 'ValidationException');
  const found = stateOf(ctx).destinations.get(key);
  if (!found) throw notFound(`Failed to describe the api-destination(s). An api-destination '${key}' does not exist.`);
  return found;
}

/** The auth parameters as DescribeConnection answers them: names kept, secret values left out. */
function withoutSecrets(p: sdk.CreateConnectionAuthRequestParameters): sdk.ConnectionAuthResponseParameters {
  return {
    ...(p.ApiKeyAuthParameters ? { ApiKeyAuthParameters: { ApiKeyName: p.ApiKeyAuthParameters.ApiKeyName } } : {}),
    ...(p.BasicAuthParameters ? { BasicAuthParameters: { Username: p.BasicAuthParameters.Username } } : {}),
  };
}

const connectionAuth: Record<string, (p: sdk.CreateConnectionAuthRequestParameters) => boolean> = {
  API_KEY: (p) => !!p.ApiKeyAuthParameters?.ApiKeyName && !!p.ApiKeyAuthParameters.ApiKeyValue,
  BASIC: (p) => !!p.BasicAuthParameters?.Username && !!p.BasicAuthParameters.Password,
};

const setState = (state: RuleRecord['state']) => (ctx: CallContext, input: sdk.EnableRuleRequest): Out<object> => {
  rule(ctx, input.Name).state = state;
  return {};
};

export const events: ServiceDef = {
  id: 'events',
  signingName: 'events',
  protocol: 'json1.1',
  targetPrefix: 'AWSEvents',
  sdk,
  handlers: {
    CreateConnection: (ctx: CallContext, input: sdk.CreateConnectionRequest): Out<sdk.CreateConnectionResponse> => {
      const state = stateOf(ctx);
      const name = checkName(input.Name);
      const type = required(input.AuthorizationType, 'AuthorizationType', 'ValidationException');
      const check = connectionAuth[type];
      if (!check) throw validation(`The Skylift AWS double keeps API_KEY and BASIC connections only, not ${type}.`);
      const auth = input.AuthParameters ?? {};
      if (!check(auth)) throw validation(`The authorization parameters of a ${type} connection are incomplete.`);
      if (state.connections.has(name)) throw new AwsFault('ResourceAlreadyExistsException', `Connection ${name} already exists.`, 400);
      const created = new Date(ctx.now);
      const record: ConnectionRecord = { name, arn: `arn:aws:events:${ctx.region}:${ctx.account}:connection/${name}/${ids.uuid()}`, authorizationType: type, authParameters: auth, created, ...(input.Description ? { description: input.Description } : {}) };
      state.connections.set(name, record);
      return { ConnectionArn: record.arn, ConnectionState: 'AUTHORIZED', CreationTime: created, LastModifiedTime: created };
    },

    DescribeConnection: (ctx: CallContext, input: sdk.DescribeConnectionRequest): Out<sdk.DescribeConnectionResponse> => {
      const c = connection(ctx, input.Name);
      return { ConnectionArn: c.arn, Name: c.name, ConnectionState: 'AUTHORIZED', AuthorizationType: c.authorizationType as sdk.ConnectionAuthorizationType, AuthParameters: withoutSecrets(c.authParameters), CreationTime: c.created, LastModifiedTime: c.created, ...(c.description ? { Description: c.description } : {}) };
    },

    DeleteConnection: (ctx: CallContext, input: sdk.DeleteConnectionRequest): Out<sdk.DeleteConnectionResponse> => {
      const c = connection(ctx, input.Name);
      stateOf(ctx).connections.delete(c.name);
      return { ConnectionArn: c.arn, ConnectionState: 'DELETING', CreationTime: c.created, LastModifiedTime: new Date(ctx.now) };
    },

    CreateApiDestination: (ctx: CallContext, input: sdk.CreateApiDestinationRequest): Out<sdk.CreateApiDestinationResponse> => {
      const state = stateOf(ctx);
      const name = checkName(input.Name);
      const connectionArn = required(input.ConnectionArn, 'ConnectionArn', 'ValidationException');
      const endpoint = required(input.InvocationEndpoint, 'InvocationEndpoint', 'ValidationException');
      const method = required(input.HttpMethod, 'HttpMethod', 'ValidationException');
      if (!/^https:\/\/[^\s/]+/.test(endpoint)) throw validation(`Invalid InvocationEndpoint ${endpoint}: it must be an HTTPS URL.`);
      if (!['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw validation(`Invalid HttpMethod ${method}.`);
      if (input.InvocationRateLimitPerSecond !== undefined && input.InvocationRateLimitPerSecond < 1) throw validation('InvocationRateLimitPerSecond must be at least 1.');
      if (![...state.connections.values()].some((c) => c.arn === connectionArn)) throw notFound(`Connection ${connectionArn} does not exist.`);
      if (state.destinations.has(name)) throw new AwsFault('ResourceAlreadyExistsException', `An api-destination '${name}' already exists.`, 400);
      const created = new Date(ctx.now);
      const record: ApiDestinationRecord = { name, arn: `arn:aws:events:${ctx.region}:${ctx.account}:api-destination/${name}/${ids.uuid()}`, connectionArn, endpoint, method, created, ...(input.InvocationRateLimitPerSecond !== undefined ? { rateLimit: input.InvocationRateLimitPerSecond } : {}) };
      state.destinations.set(name, record);
      return { ApiDestinationArn: record.arn, ApiDestinationState: 'ACTIVE', CreationTime: created, LastModifiedTime: created };
    },

    DescribeApiDestination: (ctx: CallContext, input: sdk.DescribeApiDestinationRequest): Out<sdk.DescribeApiDestinationResponse> => {
      const d = destination(ctx, input.Name);
      return { ApiDestinationArn: d.arn, Name: d.name, ApiDestinationState: 'ACTIVE', ConnectionArn: d.connectionArn, InvocationEndpoint: d.endpoint, HttpMethod: d.method as sdk.ApiDestinationHttpMethod, CreationTime: d.created, LastModifiedTime: d.created, ...(d.rateLimit !== undefined ? { InvocationRateLimitPerSecond: d.rateLimit } : {}) };
    },

    DeleteApiDestination: (ctx: CallContext, input: sdk.DeleteApiDestinationRequest): Out<sdk.DeleteApiDestinationResponse> => {
      stateOf(ctx).destinations.delete(destination(ctx, input.Name).name);
      return {};
    },

    PutRule: (ctx: CallContext, input: sdk.PutRuleRequest): Out<sdk.PutRuleResponse> => {
      const state = stateOf(ctx);
      const name = checkName(input.Name);
      if (input.EventBusName && input.EventBusName !== 'default') throw notFound(`Event bus ${input.EventBusName} does not exist.`);
      if (!input.ScheduleExpression && !input.EventPattern) throw validation('Parameter(s) ScheduleExpression or EventPattern must be specified.');
      if (input.ScheduleExpression && !validScheduleExpression(input.ScheduleExpression)) throw validation('Parameter ScheduleExpression is not valid.');
      const ruleState = input.State ?? 'ENABLED';
      if (ruleState !== 'ENABLED' && ruleState !== 'DISABLED') throw validation(`The Skylift AWS double keeps rules ENABLED or DISABLED, not ${ruleState}.`);
      const existing = state.rules.get(name);
      // PutRule on an existing rule replaces its definition; tags are only applied when it is created.
      const record: RuleRecord = {
        name,
        arn: `arn:aws:events:${ctx.region}:${ctx.account}:rule/${name}`,
        state: ruleState,
        tags: existing?.tags ?? mergeTags([], input.Tags),
        targets: existing?.targets ?? new Map(),
        ...(input.ScheduleExpression ? { scheduleExpression: input.ScheduleExpression } : {}),
        ...(input.EventPattern ? { eventPattern: input.EventPattern } : {}),
        ...(input.Description ? { description: input.Description } : {}),
        ...(input.RoleArn ? { roleArn: input.RoleArn } : {}),
      };
      state.rules.set(name, record);
      return { RuleArn: record.arn };
    },

    DescribeRule: (ctx: CallContext, input: sdk.DescribeRuleRequest): Out<sdk.DescribeRuleResponse> => {
      const r = rule(ctx, input.Name);
      return {
        Name: r.name,
        Arn: r.arn,
        State: r.state,
        EventBusName: 'default',
        CreatedBy: ctx.account,
        ...(r.scheduleExpression ? { ScheduleExpression: r.scheduleExpression } : {}),
        ...(r.eventPattern ? { EventPattern: r.eventPattern } : {}),
        ...(r.description ? { Description: r.description } : {}),
        ...(r.roleArn ? { RoleArn: r.roleArn } : {}),
      };
    },

    ListRules: (ctx: CallContext, input: sdk.ListRulesRequest): Out<sdk.ListRulesResponse> => ({
      Rules: [...stateOf(ctx).rules.values()]
        .filter((r) => !input.NamePrefix || r.name.startsWith(input.NamePrefix))
        .map((r) => ({ Name: r.name, Arn: r.arn, State: r.state, EventBusName: 'default', ...(r.scheduleExpression ? { ScheduleExpression: r.scheduleExpression } : {}) })),
    }),

    EnableRule: setState('ENABLED'),
    DisableRule: setState('DISABLED'),

    DeleteRule: (ctx: CallContext, input: sdk.DeleteRuleRequest): Out<object> => {
      const r = rule(ctx, input.Name);
      if (r.targets.size > 0) throw validation('Rule can\'t be deleted since it has targets.');
      stateOf(ctx).rules.delete(r.name);
      return {};
    },

    PutTargets: (ctx: CallContext, input: sdk.PutTargetsRequest): Out<sdk.PutTargetsResponse> => {
      const r = rule(ctx, required(input.Rule, 'Rule', 'ValidationException'));
      const targets = input.Targets ?? [];
      if (targets.length === 0) throw validation('Parameter Targets must contain at least one target.');
      const failed: sdk.PutTargetsResultEntry[] = [];
      for (const t of targets) {
        if (!t.Id || !t.Arn) throw validation('Each target needs an Id and an Arn.');
        // An API destination is invoked with a role EventBridge assumes.
        if (t.Arn.includes(':api-destination/') && !t.RoleArn) {
          failed.push({ TargetId: t.Id, ErrorCode: 'ValidationException', ErrorMessage: `RoleArn is required for target ${t.Arn}.` });
          continue;
        }
        if (!r.targets.has(t.Id) && r.targets.size >= 5) throw new AwsFault('LimitExceededException', `The requested resource exceeds the maximum number allowed. Rule ${r.name} can have 5 targets.`, 400);
        r.targets.set(t.Id, t);
      }
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    },

    ListTargetsByRule: (ctx: CallContext, input: sdk.ListTargetsByRuleRequest): Out<sdk.ListTargetsByRuleResponse> => ({
      Targets: [...rule(ctx, required(input.Rule, 'Rule', 'ValidationException')).targets.values()],
    }),

    RemoveTargets: (ctx: CallContext, input: sdk.RemoveTargetsRequest): Out<sdk.RemoveTargetsResponse> => {
      const r = rule(ctx, required(input.Rule, 'Rule', 'ValidationException'));
      for (const id of input.Ids ?? []) r.targets.delete(id);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },

    ListTagsForResource: (ctx: CallContext, input: sdk.ListTagsForResourceRequest): Out<sdk.ListTagsForResourceResponse> => {
      const arn = required(input.ResourceARN, 'ResourceARN', 'ValidationException');
      const r = [...stateOf(ctx).rules.values()].find((x) => x.arn === arn);
      if (!r) throw notFound(`Rule ${arn} does not exist.`);
      return { Tags: r.tags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })) };
    },
  },
};
