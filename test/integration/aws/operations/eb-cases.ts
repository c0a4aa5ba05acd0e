import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CheckDNSAvailabilityCommand,
  CreateApplicationCommand,
  CreateApplicationVersionCommand,
  CreateEnvironmentCommand,
  DeleteApplicationCommand,
  DeleteApplicationVersionCommand,
  DescribeApplicationsCommand,
  DescribeApplicationVersionsCommand,
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentResourcesCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  ListPlatformBranchesCommand,
  ListPlatformVersionsCommand,
  ListTagsForResourceCommand,
  SwapEnvironmentCNAMEsCommand,
  TerminateEnvironmentCommand,
  UpdateEnvironmentCommand,
  ValidateConfigurationSettingsCommand,
  type ConfigurationOptionSetting,
} from '@aws-sdk/client-elastic-beanstalk';
import { expect } from 'vitest';
import { waitForEnvironment, waitUntil } from '../../../../electron/engine/aws/wait.js';
import { SKYLIFT_TAG, type CaseContext, type OperationCase } from './context.js';
import { BUCKET } from './network-cases.js';

export const APP = 'skylift-app';
const opt = (Namespace: string, OptionName: string, Value: string): ConfigurationOptionSetting => ({ Namespace, OptionName, Value });

function baseOptions(ctx: CaseContext): ConfigurationOptionSetting[] {
  return [
    opt('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', 'skylift-eb-ec2'),
    opt('aws:elasticbeanstalk:environment', 'ServiceRole', ctx.get('serviceRole')),
    opt('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
    opt('aws:elasticbeanstalk:application:environment', 'PORT', '5000'),
  ];
}

const option = (settings: ConfigurationOptionSetting[] | undefined, ns: string, name: string) => settings?.find((s) => s.Namespace === ns && s.OptionName === name)?.Value;

export const ebCases: OperationCase[] = [
  {
    name: 'Node.js platform branches and the recommended version of one',
    ops: ['elasticbeanstalk:ListPlatformBranches', 'elasticbeanstalk:ListPlatformVersions'],
    async run(ctx) {
      const branches = await ctx.clients.elasticbeanstalk.send(new ListPlatformBranchesCommand({ Filters: [{ Attribute: 'LifecycleState', Operator: '=', Values: ['supported'] }] }));
      expect(branches.PlatformBranchSummaryList?.map((b) => b.BranchName)).toContain('Node.js 22 running on 64bit Amazon Linux 2023');
      const versions = await ctx.clients.elasticbeanstalk.send(
        new ListPlatformVersionsCommand({
          Filters: [
            { Type: 'PlatformBranchName', Operator: '=', Values: ['Node.js 22 running on 64bit Amazon Linux 2023'] },
            { Type: 'PlatformLifecycleState', Operator: '=', Values: ['Recommended'] },
          ],
        }),
      );
      expect(versions.PlatformSummaryList).toHaveLength(1);
      ctx.set('platformArn', versions.PlatformSummaryList![0]!.PlatformArn);
    },
  },
  {
    name: 'application and a version from the bundle in S3',
    ops: ['elasticbeanstalk:CheckDNSAvailability', 'elasticbeanstalk:CreateApplication', 'elasticbeanstalk:DescribeApplications', 'elasticbeanstalk:CreateApplicationVersion', 'elasticbeanstalk:DescribeApplicationVersions'],
    async run({ clients }) {
      const eb = clients.elasticbeanstalk;
      expect(await eb.send(new CheckDNSAvailabilityCommand({ CNAMEPrefix: 'skylift-blue' }))).toMatchObject({ Available: true, FullyQualifiedCNAME: 'skylift-blue.us-east-1.elasticbeanstalk.com' });
      await eb.send(new CreateApplicationCommand({ ApplicationName: APP }));
      expect((await eb.send(new DescribeApplicationsCommand({ ApplicationNames: [APP] }))).Applications).toHaveLength(1);
      await expect(eb.send(new CreateApplicationVersionCommand({ ApplicationName: APP, VersionLabel: 'v0', SourceBundle: { S3Bucket: BUCKET, S3Key: 'bundles/missing.zip' } }))).rejects.toMatchObject({
        name: 'InvalidParameterCombination',
        message: expect.stringContaining('Unable to download from S3 location'),
      });
      await eb.send(new CreateApplicationVersionCommand({ ApplicationName: APP, VersionLabel: 'v1', SourceBundle: { S3Bucket: BUCKET, S3Key: 'bundles/v1.zip' }, Process: true }));
      const versions = await eb.send(new DescribeApplicationVersionsCommand({ ApplicationName: APP }));
      expect(versions.ApplicationVersions?.map((v) => [v.VersionLabel, v.Status])).toEqual([['v1', 'Processed']]);
    },
  },
  {
    name: 'configuration checked before it is used',
    ops: ['elasticbeanstalk:ValidateConfigurationSettings'],
    async run({ clients }) {
      const result = await clients.elasticbeanstalk.send(
        new ValidateConfigurationSettingsCommand({ ApplicationName: APP, OptionSettings: [opt('aws:elasticbeanstalk:environment:proxy', 'ProxyServer', 'none'), opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300')] }),
      );
      expect(result.Messages).toEqual([expect.objectContaining({ Severity: 'error', Namespace: 'aws:elasticbeanstalk:environment:proxy', OptionName: 'ProxyServer' })]);
    },
  },
  {
    name: 'environment behind an ALB: Launching, then Ready, with its events and resources',
    ops: ['elasticbeanstalk:CreateEnvironment', 'elasticbeanstalk:DescribeEnvironments', 'elasticbeanstalk:DescribeEvents', 'elasticbeanstalk:DescribeEnvironmentResources', 'elasticbeanstalk:DescribeConfigurationSettings'],
    async run(ctx) {
      const eb = ctx.clients.elasticbeanstalk;
      const withoutProfile = baseOptions(ctx).filter((o) => o.OptionName !== 'IamInstanceProfile');
      await expect(eb.send(new CreateEnvironmentCommand({ ApplicationName: APP, EnvironmentName: 'skylift-blue', PlatformArn: ctx.get('platformArn'), OptionSettings: withoutProfile }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: 'Environment must have instance profile associated with it.',
      });
      const created = await eb.send(
        new CreateEnvironmentCommand({
          ApplicationName: APP,
          EnvironmentName: 'skylift-blue',
          CNAMEPrefix: 'skylift-blue',
          VersionLabel: 'v1',
          PlatformArn: ctx.get('platformArn'),
          OptionSettings: [...baseOptions(ctx), opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application')],
        }),
      );
      expect(created).toMatchObject({ Status: 'Launching', Health: 'Grey', CNAME: 'skylift-blue.us-east-1.elasticbeanstalk.com' });
      const ready = await waitForEnvironment(ctx.clients, 'skylift-blue', ctx.wait);
      expect(ready.Status).toBe('Ready');
      const events = (await eb.send(new DescribeEventsCommand({ EnvironmentName: 'skylift-blue' }))).Events!.map((e) => e.Message);
      expect(events[0]).toBe('Successfully launched environment: skylift-blue');
      expect(events.at(-1)).toBe('createEnvironment is starting.');
      const resources = (await eb.send(new DescribeEnvironmentResourcesCommand({ EnvironmentName: 'skylift-blue' }))).EnvironmentResources!;
      expect(resources.LoadBalancers?.[0]?.Name).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:\d+:loadbalancer\/app\//);
      ctx.set('albArn', resources.LoadBalancers![0]!.Name);
      const settings = (await eb.send(new DescribeConfigurationSettingsCommand({ ApplicationName: APP, EnvironmentName: 'skylift-blue' }))).ConfigurationSettings![0]!;
      expect(option(settings.OptionSettings, 'aws:elasticbeanstalk:environment', 'LoadBalancerType')).toBe('application');
      expect(option(settings.OptionSettings, 'aws:elasticbeanstalk:application:environment', 'PORT')).toBe('5000');
      ctx.set('instance', resources.Instances![0]!.Id);
    },
  },
  {
    name: 'the environment\'s instance and its private address (the relay replication reaches the box through)',
    ops: ['ec2:DescribeInstances'],
    async run(ctx) {
      const got = await ctx.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ctx.get('instance')] }));
      const instance = got.Reservations?.[0]?.Instances?.[0];
      expect(instance).toMatchObject({ InstanceId: ctx.get('instance'), State: { Name: 'running' }, PrivateIpAddress: expect.stringMatching(/^172\.31\.\d+\.\d+$/) });
      expect(instance?.Tags).toContainEqual({ Key: 'elasticbeanstalk:environment-name', Value: 'skylift-blue' });
      await expect(ctx.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0000000000000000a'] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    },
  },
  {
    name: 'the application and environment carry the migration tag (how cleanup finds them)',
    ops: ['elasticbeanstalk:ListTagsForResource'],
    async run({ clients }) {
      const eb = clients.elasticbeanstalk;
      const app = (await eb.send(new DescribeApplicationsCommand({ ApplicationNames: [APP] }))).Applications![0]!;
      expect((await eb.send(new ListTagsForResourceCommand({ ResourceArn: app.ApplicationArn }))).ResourceTags).toEqual([SKYLIFT_TAG]);
      const env = (await eb.send(new DescribeEnvironmentsCommand({ EnvironmentNames: ['skylift-blue'], IncludeDeleted: false }))).Environments![0]!;
      expect(await eb.send(new ListTagsForResourceCommand({ ResourceArn: env.EnvironmentArn }))).toMatchObject({ ResourceArn: env.EnvironmentArn, ResourceTags: [SKYLIFT_TAG] });
      await expect(eb.send(new ListTagsForResourceCommand({ ResourceArn: app.ApplicationArn!.replace(APP, 'no-such-app') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    },
  },
  {
    name: 'environment update raises the ALB idle timeout',
    ops: ['elasticbeanstalk:UpdateEnvironment'],
    async run(ctx) {
      const eb = ctx.clients.elasticbeanstalk;
      const { clock } = ctx.session.double;
      const speed = clock.speed;
      // Real time, so the update is still running when the second one arrives.
      clock.speed = 1;
      const updating = await eb.send(new UpdateEnvironmentCommand({ EnvironmentName: 'skylift-blue', OptionSettings: [opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300')] }));
      expect(updating.Status).toBe('Updating');
      await expect(eb.send(new UpdateEnvironmentCommand({ EnvironmentName: 'skylift-blue', VersionLabel: 'v1' }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('Must be Ready') });
      clock.speed = speed;
      await waitForEnvironment(ctx.clients, 'skylift-blue', ctx.wait);
      const settings = (await eb.send(new DescribeConfigurationSettingsCommand({ ApplicationName: APP, EnvironmentName: 'skylift-blue' }))).ConfigurationSettings![0]!;
      expect(option(settings.OptionSettings, 'aws:elbv2:loadbalancer', 'IdleTimeout')).toBe('300');
    },
  },
  {
    name: 'blue/green: a classic-LB environment, CNAMEs swapped',
    ops: ['elasticbeanstalk:SwapEnvironmentCNAMEs'],
    async run(ctx) {
      const eb = ctx.clients.elasticbeanstalk;
      await eb.send(new CreateEnvironmentCommand({ ApplicationName: APP, EnvironmentName: 'skylift-green', CNAMEPrefix: 'skylift-green', VersionLabel: 'v1', PlatformArn: ctx.get('platformArn'), OptionSettings: baseOptions(ctx) }));
      await waitForEnvironment(ctx.clients, 'skylift-green', ctx.wait);
      await eb.send(new SwapEnvironmentCNAMEsCommand({ SourceEnvironmentName: 'skylift-blue', DestinationEnvironmentName: 'skylift-green' }));
      const envs = (await eb.send(new DescribeEnvironmentsCommand({ ApplicationName: APP, IncludeDeleted: false }))).Environments!;
      expect(Object.fromEntries(envs.map((e) => [e.EnvironmentName, e.CNAME]))).toEqual({
        'skylift-blue': 'skylift-green.us-east-1.elasticbeanstalk.com',
        'skylift-green': 'skylift-blue.us-east-1.elasticbeanstalk.com',
      });
      const resources = (await eb.send(new DescribeEnvironmentResourcesCommand({ EnvironmentName: 'skylift-green' }))).EnvironmentResources!;
      ctx.set('classicName', resources.LoadBalancers?.[0]?.Name);
    },
  },
];

export const ebTeardown: OperationCase[] = [
  {
    name: 'environments terminated, then version and application deleted',
    ops: ['elasticbeanstalk:TerminateEnvironment', 'elasticbeanstalk:DeleteApplicationVersion', 'elasticbeanstalk:DeleteApplication'],
    async run(ctx) {
      const eb = ctx.clients.elasticbeanstalk;
      await expect(eb.send(new DeleteApplicationVersionCommand({ ApplicationName: APP, VersionLabel: 'v1' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
      for (const EnvironmentName of ['skylift-blue', 'skylift-green']) await eb.send(new TerminateEnvironmentCommand({ EnvironmentName }));
      await waitUntil(
        'environments terminated',
        async () => (await eb.send(new DescribeEnvironmentsCommand({ ApplicationName: APP }))).Environments!,
        (envs) => (envs.every((e) => e.Status === 'Terminated') ? { done: true } : { done: false, status: envs.map((e) => e.Status).join(',') }),
        ctx.wait,
      );
      await eb.send(new DeleteApplicationVersionCommand({ ApplicationName: APP, VersionLabel: 'v1' }));
      await eb.send(new DeleteApplicationCommand({ ApplicationName: APP }));
      expect((await eb.send(new DescribeApplicationsCommand({}))).Applications).toEqual([]);
    },
  },
];
