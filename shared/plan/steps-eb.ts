/**
 * Provision, Elastic Beanstalk: the app's secrets in SSM, the application, one environment per
 * app (or the listener fix on an existing one), worker environments for cron.yaml, and disabled
 * EventBridge schedules (enabled only after the DNS switch, so jobs never run twice).
 */

import { resourceName, tags } from '../mapping/names.js';
import type { EbEnvironment, ScheduledJob, TargetDesign } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import { type Json, type PlanBuilder, aws, outputName, undoWith, verify, waitFor } from './builder.js';
import { webSettings, workerSettings } from './environment-settings.js';

type Design = TargetDesign;

function appConfig(b: PlanBuilder, d: Design, env: EbEnvironment): void {
  const secrets = env.envVars.filter((v) => v.store === 'ssm');
  if (secrets.length === 0) return;
  const id = `provision-app-config-${env.id}`;
  b.add(() => ({
    id,
    phase: 'provision',
    title: `Store ${env.appName}'s secrets in SSM Parameter Store (${secrets.map((v) => v.name).join(', ')})`,
    why: 'Secret values never enter the plan or the environment\'s plain properties: the runner reads each from the box and writes it as a SecureString; Elastic Beanstalk injects them at instance start.',
    dependsOn: ['prepare-preflight'],
    actions: secrets.map((v): Action => ({
      kind: 'data-copy',
      engine: 'env',
      method: v.value.kind === 'generated' ? 'ssm-generate' : 'ssm-put',
      source: v.value.kind === 'generated' ? { random: '32 bytes, base64url' } : { host: env.code.label, dir: env.code.dir, name: v.name, definedIn: v.source, ...(v.value.kind === 'rewrite-endpoint' ? { replaceHost: b.use(`${v.value.resource}.endpoint`) } : {}) },
      target: { parameterName: v.parameterName ?? '', type: 'SecureString', tags: tags(d.migration.name) },
      notes: [v.note],
    })),
    verify: [aws('ssm', 'GetParameters', { Names: secrets.map((v) => v.parameterName ?? '') }, { Missing: 'InvalidParameters' }), verify('output', { value: { $ref: `${id}.Missing` } }, { equals: [] })],
    undo: undoWith('Delete the parameters.', [aws('ssm', 'DeleteParameters', { Names: secrets.map((v) => v.parameterName ?? '') })]),
    minutes: [1, 3],
  }));
  b.provide(`ssm:${env.id}.ready`, id, '', 'ready');
}

function application(b: PlanBuilder, d: Design): void {
  const fresh = d.resources.environments.filter((e) => !e.existing);
  const name = fresh[0]?.applicationName;
  b.add(() => ({
    id: 'provision-eb-application',
    phase: 'provision',
    title: name ? `Create Elastic Beanstalk application ${name}` : 'Find the Elastic Beanstalk storage bucket',
    why: 'Environments and application versions belong to an application; source bundles go to Elastic Beanstalk\'s regional bucket.',
    dependsOn: ['prepare-preflight'],
    actions: [
      ...(name ? [aws('elasticbeanstalk', 'CreateApplication', { ApplicationName: name, Description: `skylift ${d.migration.name}`, Tags: tags(d.migration.name) })] : []),
      aws('elasticbeanstalk', 'CreateStorageLocation', {}, { StorageBucket: 'S3Bucket' }),
    ],
    undo: name ? undoWith(`Delete application ${name} and its versions (after its environments are terminated).`, [aws('elasticbeanstalk', 'DeleteApplication', { ApplicationName: name, TerminateEnvByForce: false })]) : { kind: 'nothing', reason: 'Only reads the regional bucket, which Elastic Beanstalk keeps for the account.' },
    minutes: [1, 1],
  }));
  if (name) b.provide('eb.application', 'provision-eb-application', '', name);
  b.provide('eb.storage', 'provision-eb-application', 'StorageBucket');
}

function newEnvironment(b: PlanBuilder, d: Design, env: EbEnvironment): void {
  const id = `provision-eb-${env.id}`;
  const apex = env.domains.some((n) => d.resources.dns.records.some((r) => r.name === n && r.apex));
  const lookupLb = apex && !d.resources.dns.ebHostedZoneId;
  b.add(() => ({
    id,
    phase: 'provision',
    title: `Create environment ${env.environmentName} (${env.platform.branch}, ${env.instanceType} × ${env.minSize}–${env.maxSize})`,
    why: 'The app\'s new home: load balancer, autoscaling group, nginx and Node.js managed by Elastic Beanstalk. It starts with the sample app; the deploy step ships the real code.',
    dependsOn: ['provision-eb-application'],
    preconditions: [`${env.environmentName}'s environment properties fit in 4096 characters with their real values (checked by the runner first).`],
    actions: [
      verify('env-size', { environment: env.environmentName, settings: 'the OptionSettings below, values resolved' }, { maxCharacters: 4096 }),
      aws('elasticbeanstalk', 'CreateEnvironment', {
        ApplicationName: b.use('eb.application'),
        EnvironmentName: env.environmentName,
        CNAMEPrefix: env.cnamePrefix,
        PlatformArn: env.platform.platformArn,
        Tier: { Name: 'WebServer', Type: 'Standard' },
        OptionSettings: webSettings(b, d, env),
        Tags: tags(d.migration.name),
      }),
      waitFor('the environment to be ready', { service: 'elasticbeanstalk', name: 'EnvironmentExists', params: { EnvironmentNames: [env.environmentName] } }),
      aws('elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [env.environmentName] }, { Cname: 'Environments[0].CNAME' }),
      ...(lookupLb
        ? [
            aws('elasticbeanstalk', 'DescribeEnvironmentResources', { EnvironmentName: env.environmentName }, { LoadBalancer: 'EnvironmentResources.LoadBalancers[0].Name' }),
            aws('elbv2', 'DescribeLoadBalancers', { LoadBalancerArns: [{ $ref: `${id}.LoadBalancer` }] }, { LbZone: 'LoadBalancers[0].CanonicalHostedZoneId', LbDns: 'LoadBalancers[0].DNSName' }),
          ]
        : []),
    ],
    verify: [verify('eb-health', { environment: env.environmentName }, { Status: 'Ready', HealthStatus: ['Ok', 'Info'] })],
    undo: undoWith(`Terminate ${env.environmentName} and its load balancer and instances.`, [
      aws('elasticbeanstalk', 'TerminateEnvironment', { EnvironmentName: env.environmentName, TerminateResources: true }),
      waitFor('the environment to be terminated', { service: 'elasticbeanstalk', name: 'EnvironmentTerminated', params: { EnvironmentNames: [env.environmentName] } }),
    ]),
    minutes: [8, 20],
  }));
  b.provide(`eb:${env.id}.cname`, id, 'Cname');
  b.provide(`eb:${env.id}.aliasZone`, id, lookupLb ? 'LbZone' : '', lookupLb ? undefined : (d.resources.dns.ebHostedZoneId ?? undefined));
  b.provide(`eb:${env.id}.aliasDns`, id, lookupLb ? 'LbDns' : 'Cname');
  b.provide(`eb:${env.id}.application`, id, '', env.applicationName);
}

function existingEnvironment(b: PlanBuilder, d: Design, env: EbEnvironment): void {
  const id = `provision-eb-${env.id}`;
  const name = env.environmentName;
  b.add(() => ({
    id,
    phase: 'provision',
    title: `Reconfigure existing environment ${name}: ${env.loadBalancer === 'classic' ? 'layer-4 listeners for WebSockets' : 'load balancer timeouts'} and properties`,
    why: 'The environment is reused as you asked; only what the app needs changes, and every previous value was saved by the preflight step.',
    preconditions: [`${name} uses a ${env.loadBalancer} load balancer (checked in preflight).`],
    actions: [
      verify('env-size', { environment: name, settings: 'the OptionSettings below, values resolved' }, { maxCharacters: 4096 }),
      aws('elasticbeanstalk', 'UpdateEnvironment', { EnvironmentName: name, OptionSettings: webSettings(b, d, env) }),
      waitFor('the update to finish', { service: 'elasticbeanstalk', name: 'EnvironmentUpdated', params: { EnvironmentNames: [name] } }),
      aws('elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [name] }, { Cname: 'Environments[0].CNAME' }),
    ],
    verify: [verify('eb-health', { environment: name }, { Status: 'Ready', HealthStatus: ['Ok', 'Info'] })],
    undo: undoWith(`Restore ${name}'s option settings saved by the preflight step (properties the plan added are removed).`, [
      aws('elasticbeanstalk', 'UpdateEnvironment', { EnvironmentName: name, OptionSettings: b.use(`existing:${env.id}.settings`), OptionsToRemove: env.envVars.map((v) => ({ Namespace: v.store === 'ssm' ? 'aws:elasticbeanstalk:application:environmentsecrets' : 'aws:elasticbeanstalk:application:environment', OptionName: v.name })) }),
      waitFor('the update to finish', { service: 'elasticbeanstalk', name: 'EnvironmentUpdated', params: { EnvironmentNames: [name] } }),
    ]),
    minutes: [3, 10],
  }));
  b.provide(`eb:${env.id}.cname`, id, 'Cname');
  b.provide(`eb:${env.id}.aliasZone`, id, '', d.resources.dns.ebHostedZoneId ?? undefined);
  b.provide(`eb:${env.id}.aliasDns`, id, 'Cname');
  b.provide(`eb:${env.id}.application`, 'prepare-preflight', outputName('Application', env.id));
}

function worker(b: PlanBuilder, d: Design, env: EbEnvironment): void {
  if (!env.worker) return;
  const w = env.worker;
  b.add(() => ({
    id: `provision-worker-${env.id}`,
    phase: 'provision',
    title: `Create worker environment ${w.environmentName} for ${w.cron.length} cron.yaml job(s)`,
    why: 'A worker environment runs the same code; its daemon posts each cron.yaml job to the app on schedule through an SQS queue Elastic Beanstalk creates. Its code is deployed only after the DNS switch, so jobs never run on both sides.',
    dependsOn: [`provision-eb-${env.id}`],
    actions: [
      aws('elasticbeanstalk', 'CreateEnvironment', {
        ApplicationName: b.use(`eb:${env.id}.application`),
        EnvironmentName: w.environmentName,
        PlatformArn: env.platform.platformArn,
        Tier: { Name: 'Worker', Type: 'SQS/HTTP' },
        OptionSettings: workerSettings(b, d, env),
        Tags: tags(d.migration.name),
      }),
      waitFor('the worker environment to be ready', { service: 'elasticbeanstalk', name: 'EnvironmentExists', params: { EnvironmentNames: [w.environmentName] } }),
    ],
    verify: [verify('eb-health', { environment: w.environmentName }, { Status: 'Ready' })],
    undo: undoWith(`Terminate ${w.environmentName} (and the SQS queues Elastic Beanstalk created for it).`, [aws('elasticbeanstalk', 'TerminateEnvironment', { EnvironmentName: w.environmentName, TerminateResources: true })]),
    minutes: [6, 15],
  }));
}

function schedules(b: PlanBuilder, d: Design, env: EbEnvironment, jobs: ScheduledJob[]): void {
  const domain = env.domains[0];
  if (jobs.length === 0 || !domain) return;
  const m = d.migration.name;
  const id = `provision-schedules-${env.id}`;
  const role = resourceName(['skylift', m, 'events'], 64);
  const connection = resourceName(['skylift', m, env.id, 'cron'], 64);
  const token = env.envVars.find((v) => v.name === 'SKYLIFT_CRON_TOKEN')?.parameterName ?? '';
  const rule = (j: ScheduledJob) => resourceName(['skylift', m, j.id], 64);
  b.add(() => ({
    id,
    phase: 'provision',
    title: `Create ${jobs.length} EventBridge schedule(s) calling https://${domain} (disabled until the switch)`,
    why: 'EventBridge rules with an API destination call the app\'s job endpoints over HTTPS with a shared secret header; they stay disabled until the DNS switch so the box and AWS never both run a job.',
    dependsOn: [`provision-app-config-${env.id}`],
    actions: [
      aws('iam', 'CreateRole', { RoleName: role, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] }), Tags: tags(m) }, { RoleArn: 'Role.Arn' }),
      aws('iam', 'PutRolePolicy', { RoleName: role, PolicyName: 'invoke-api-destinations', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:InvokeApiDestination', Resource: `arn:aws:events:${d.migration.region}:*:api-destination/skylift-${m}-*` }] }) }),
      aws('events', 'CreateConnection', { Name: connection, AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-skylift-cron-token', ApiKeyValue: { $parameter: token } } } }, { ConnectionArn: 'ConnectionArn' }),
      ...jobs.flatMap((j): Action[] => [
        aws('events', 'CreateApiDestination', { Name: rule(j), ConnectionArn: { $ref: `${id}.ConnectionArn` }, InvocationEndpoint: `https://${domain}${j.path ?? '/'}`, HttpMethod: 'POST', InvocationRateLimitPerSecond: 1 }, { [outputName('Destination', j.id)]: 'ApiDestinationArn' }),
        aws('events', 'PutRule', { Name: rule(j), ScheduleExpression: j.targetSchedule ?? '', State: 'DISABLED', Description: `${j.schedule} ${j.command}`.slice(0, 512), Tags: tags(m) }),
        aws('events', 'PutTargets', { Rule: rule(j), Targets: [{ Id: 'app', Arn: { $ref: `${id}.${outputName('Destination', j.id)}` }, RoleArn: { $ref: `${id}.RoleArn` } }] }),
      ]),
    ],
    undo: undoWith('Delete the rules, API destinations, connection and role.', [
      ...jobs.flatMap((j) => [aws('events', 'RemoveTargets', { Rule: rule(j), Ids: ['app'] }), aws('events', 'DeleteRule', { Name: rule(j) }), aws('events', 'DeleteApiDestination', { Name: rule(j) })]),
      aws('events', 'DeleteConnection', { Name: connection }),
      aws('iam', 'DeleteRolePolicy', { RoleName: role, PolicyName: 'invoke-api-destinations' }),
      aws('iam', 'DeleteRole', { RoleName: role }),
    ]),
    minutes: [1, 3],
  }));
  b.provide(`schedules:${env.id}.rules`, id, '', jobs.map((j) => rule(j)) as Json);
}

export function ebSteps(b: PlanBuilder, d: Design): void {
  const envs = d.resources.environments;
  for (const env of envs) appConfig(b, d, env);
  if (envs.length > 0) application(b, d);
  for (const env of envs) {
    if (env.existing) existingEnvironment(b, d, env);
    else newEnvironment(b, d, env);
    worker(b, d, env);
    schedules(b, d, env, d.resources.schedules.filter((j) => j.environment === env.id && j.mapping === 'eventbridge'));
  }
}
