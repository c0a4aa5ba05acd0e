/**
 * The OptionSettings a CreateEnvironment/UpdateEnvironment call sends: the design's settings with
 * references bound to step outputs, plus environment properties whose values are read from the
 * box at apply time (plain) or referenced by SSM parameter ARN (secrets).
 */

import type { EbEnvironment, EnvVar, TargetDesign } from '../schema/design.js';
import type { Json, PlanBuilder } from './builder.js';

const ENV_NS = 'aws:elasticbeanstalk:application:environment';
const SECRETS_NS = 'aws:elasticbeanstalk:application:environmentsecrets';

function setting(namespace: string, optionName: string, value: Json): Json {
  return { Namespace: namespace, OptionName: optionName, Value: value };
}

function ssmArn(b: PlanBuilder, d: TargetDesign, name: string): Json {
  const account = b.use('account');
  const head = `arn:aws:ssm:${d.migration.region}:`;
  return typeof account === 'string' ? `${head}${account}:parameter${name}` : { $join: [head, account, `:parameter${name}`] };
}

function envValue(b: PlanBuilder, env: EbEnvironment, v: EnvVar): Json {
  const from = { host: env.code.label, dir: env.code.dir, name: v.name };
  switch (v.value.kind) {
    case 'literal':
      return v.value.value;
    case 'rewrite-endpoint':
      return { $sourceEnv: { ...from, replaceHost: b.use(`${v.value.resource}.endpoint`) } };
    default:
      return { $sourceEnv: from };
  }
}

export function envVarSettings(b: PlanBuilder, d: TargetDesign, env: EbEnvironment): Json[] {
  const secrets = env.envVars.filter((v) => v.store === 'ssm');
  if (secrets.length > 0) b.use(`ssm:${env.id}.ready`);
  return env.envVars.map((v) =>
    v.store === 'ssm' ? setting(SECRETS_NS, v.name, ssmArn(b, d, v.parameterName ?? '')) : setting(ENV_NS, v.name, envValue(b, env, v)),
  );
}

export function webSettings(b: PlanBuilder, d: TargetDesign, env: EbEnvironment): Json[] {
  return [...env.optionSettings.map((s) => setting(s.namespace, s.optionName, b.value(s.value))), ...envVarSettings(b, d, env)];
}

/** No load balancer on a worker: one instance runs the cron.yaml jobs posted by its SQS daemon. */
const NOT_ON_WORKER = /^(aws:elbv2:|aws:elb:|aws:elasticbeanstalk:environment:process:|aws:elasticbeanstalk:environment:proxy:staticfiles|aws:autoscaling:asg|aws:autoscaling:trigger)/;

export function workerSettings(b: PlanBuilder, d: TargetDesign, env: EbEnvironment): Json[] {
  const kept = env.optionSettings.filter(
    (s) => !NOT_ON_WORKER.test(s.namespace) && !(s.namespace === 'aws:elasticbeanstalk:environment' && s.optionName !== 'ServiceRole') && s.optionName !== 'ELBSubnets',
  );
  return [
    ...kept.map((s) => setting(s.namespace, s.optionName, s.optionName === 'InstanceTypes' ? (env.worker?.instanceType ?? b.value(s.value)) : b.value(s.value))),
    setting('aws:autoscaling:asg', 'MinSize', '1'),
    setting('aws:autoscaling:asg', 'MaxSize', '1'),
    ...envVarSettings(b, d, env),
  ];
}
