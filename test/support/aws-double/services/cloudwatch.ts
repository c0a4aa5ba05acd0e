import * as sdk from '@aws-sdk/client-cloudwatch';
import { AwsFault, required } from '../errors.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate } from '../util.js';
import type { CallContext, World } from '../world.js';
import { lbState, type LbRecord } from './load-balancers.js';

export class CloudWatchState {
  alarms = new Map<string, sdk.MetricAlarm>();
}

const cwState = (world: World, account: string, region: string) => world.scoped('cloudwatch', account, region, () => new CloudWatchState());

/** The load balancer a metric's dimensions name (AWS/ELB by name, AWS/ApplicationELB by `app/name/id`). */
function loadBalancerFor(ctx: CallContext, metric: sdk.Metric): LbRecord | undefined {
  const dims = new Map((metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  const all = [...lbState(ctx.world, ctx.account, ctx.region).byName.values()];
  if (metric.Namespace === 'AWS/ELB') return all.find((lb) => lb.kind === 'classic' && lb.name === dims.get('LoadBalancerName'));
  if (metric.Namespace === 'AWS/ApplicationELB') return all.find((lb) => lb.kind === 'application' && lb.arn.endsWith(`loadbalancer/${dims.get('LoadBalancer')}`));
  return undefined;
}

/** Aggregates what the load balancer proxies counted; other metrics have no data, as for a metric nobody published. */
function series(ctx: CallContext, q: sdk.MetricDataQuery, start: Date, end: Date): sdk.MetricDataResult {
  const stat = q.MetricStat;
  if (!stat?.Metric) throw new AwsFault('InvalidParameterValue', `The Skylift AWS double answers MetricStat queries only (query ${q.Id})`, 400);
  const period = required(stat.Period, 'Period') * 1000;
  const lb = loadBalancerFor(ctx, stat.Metric);
  const buckets = new Map<number, number>();
  for (const m of lb?.metrics ?? []) {
    if (m.name !== stat.Metric.MetricName || m.at < start.getTime() || m.at >= end.getTime()) continue;
    const bucket = start.getTime() + Math.floor((m.at - start.getTime()) / period) * period;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  const points = [...buckets].sort(([a], [b]) => b - a);
  const value = (count: number) => (stat.Stat === 'Sum' || stat.Stat === 'SampleCount' ? count : 1);
  return {
    Id: q.Id,
    Label: q.Label ?? stat.Metric.MetricName,
    Timestamps: points.map(([t]) => new Date(t)),
    Values: points.map(([, count]) => value(count)),
    StatusCode: 'Complete',
  };
}

export const cloudwatch: ServiceDef = {
  id: 'cloudwatch',
  signingName: 'monitoring',
  protocol: 'json1.0',
  targetPrefix: 'GraniteServiceVersion20100801',
  queryCompatible: true,
  sdk,
  iamAction: (operation) => `cloudwatch:${operation}`,
  handlers: {
    GetMetricData: (ctx: CallContext, input: sdk.GetMetricDataInput): Out<sdk.GetMetricDataOutput> => {
      const start = required(input.StartTime, 'StartTime');
      const end = required(input.EndTime, 'EndTime');
      if (start >= end) throw new AwsFault('InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.', 400);
      const queries = required(input.MetricDataQueries, 'MetricDataQueries');
      return { MetricDataResults: queries.filter((q) => q.ReturnData !== false).map((q) => series(ctx, q, start, end)), Messages: [] };
    },

    PutMetricAlarm: (ctx: CallContext, input: sdk.PutMetricAlarmInput) => {
      const name = required(input.AlarmName, 'AlarmName');
      const previous = cwState(ctx.world, ctx.account, ctx.region).alarms.get(name);
      cwState(ctx.world, ctx.account, ctx.region).alarms.set(name, {
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:${ctx.region}:${ctx.account}:alarm:${name}`,
        AlarmDescription: input.AlarmDescription,
        ActionsEnabled: input.ActionsEnabled ?? true,
        AlarmActions: input.AlarmActions ?? [],
        OKActions: input.OKActions ?? [],
        MetricName: input.MetricName,
        Namespace: input.Namespace,
        Statistic: input.Statistic,
        Dimensions: input.Dimensions ?? [],
        Period: input.Period,
        EvaluationPeriods: required(input.EvaluationPeriods, 'EvaluationPeriods'),
        Threshold: input.Threshold,
        ComparisonOperator: required(input.ComparisonOperator, 'ComparisonOperator'),
        TreatMissingData: input.TreatMissingData,
        // The double does not evaluate alarms: they stay as CloudWatch leaves a new alarm.
        StateValue: previous?.StateValue ?? 'INSUFFICIENT_DATA',
        StateReason: previous?.StateReason ?? 'Unchecked: Initial alarm creation',
        AlarmConfigurationUpdatedTimestamp: new Date(ctx.now),
      });
    },

    DescribeAlarms: (ctx: CallContext, input: sdk.DescribeAlarmsInput): Out<sdk.DescribeAlarmsOutput> => {
      const all = [...cwState(ctx.world, ctx.account, ctx.region).alarms.values()].filter(
        (a) =>
          (!input.AlarmNames?.length || input.AlarmNames.includes(a.AlarmName!)) &&
          (!input.AlarmNamePrefix || a.AlarmName!.startsWith(input.AlarmNamePrefix)) &&
          (!input.StateValue || a.StateValue === input.StateValue),
      );
      const { page, next } = paginate(all, input.NextToken, input.MaxRecords, 50);
      return { MetricAlarms: page, CompositeAlarms: [], ...(next ? { NextToken: next } : {}) };
    },

    DeleteAlarms: (ctx: CallContext, input: sdk.DeleteAlarmsInput) => {
      const alarms = cwState(ctx.world, ctx.account, ctx.region).alarms;
      const names = required(input.AlarmNames, 'AlarmNames');
      const missing = names.filter((n) => !alarms.has(n));
      if (missing.length) throw new AwsFault('ResourceNotFound', `Could not find alarm(s): ${missing.join(', ')}`, 404);
      for (const n of names) alarms.delete(n);
    },
  },
};
