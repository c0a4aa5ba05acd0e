import * as sdk from '@aws-sdk/client-elastic-beanstalk';
import { AwsFault, invalidParameter, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate } from '../util.js';
import type { CallContext } from '../world.js';
import { branchSummaries, platformSummaries, resolvePlatform } from './eb-catalog.js';
import { event, launch, scheduleTermination, scheduleUpdate } from './eb-lifecycle.js';
import { defaultOptions, mergeOptions, option, rejectInvalid, validateOptions, type OptionSetting } from './eb-options.js';
import { cnameTaken, ebState, view, type EnvRecord } from './eb-state.js';
import { iamState } from './iam.js';
import { findObject, s3State } from './s3.js';
import { quotaValue } from './service-quotas.js';

const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function app(ctx: CallContext, name: string | undefined): sdk.ApplicationDescription {
  const found = ebState(ctx.world, ctx.account, ctx.region).applications.get(required(name, 'ApplicationName'));
  if (!found) throw invalidParameter(`No Application named '${name}' found.`);
  return found;
}

function environment(ctx: CallContext, name: string | undefined, id?: string): EnvRecord {
  const all = [...ebState(ctx.world, ctx.account, ctx.region).environments.values()];
  const found = all.find((r) => r.env.Status !== 'Terminated' && (id ? r.env.EnvironmentId === id : r.env.EnvironmentName === name));
  if (!found) throw invalidParameter(`No Environment found for ${id ? `EnvironmentId = '${id}'` : `EnvironmentName = '${name}'`}.`);
  return found;
}

const roleName = (value: string) => value.split('/').pop() ?? value;

function checkIam(ctx: CallContext, options: OptionSetting[]): void {
  const iam = iamState(ctx.world, ctx.account);
  const profile = option(options, 'aws:autoscaling:launchconfiguration', 'IamInstanceProfile');
  if (!profile) throw invalidParameter('Environment must have instance profile associated with it.');
  if (!iam.profiles.has(roleName(profile))) throw invalidParameter(`The instance profile ${profile} associated with the environment does not exist.`);
  const serviceRole = option(options, 'aws:elasticbeanstalk:environment', 'ServiceRole');
  if (serviceRole && !iam.roles.has(roleName(serviceRole))) {
    throw new AwsFault('ConfigurationValidationException', `Configuration validation exception: Invalid option value: '${serviceRole}' (Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'ServiceRole'): The role does not exist.`, 400);
  }
}

function needReady(rec: EnvRecord): void {
  if (rec.env.Status !== 'Ready') {
    throw invalidParameter(`Environment named ${rec.env.EnvironmentName} is in an invalid state for this operation. Must be Ready.`);
  }
}

function versionKey(appName: string, label: string) {
  return `${appName}/${label}`;
}

export const elasticBeanstalk: ServiceDef = {
  id: 'elasticbeanstalk',
  signingName: 'elasticbeanstalk',
  protocol: 'query',
  xmlNamespace: 'http://elasticbeanstalk.amazonaws.com/docs/2010-12-01/',
  sdk,
  handlers: {
    CreateApplication: (ctx: CallContext, input: sdk.CreateApplicationMessage): Out<sdk.ApplicationDescriptionMessage> => {
      const state = ebState(ctx.world, ctx.account, ctx.region);
      const name = required(input.ApplicationName, 'ApplicationName');
      if (state.applications.has(name)) throw invalidParameter(`Application ${name} already exists.`);
      const limit = quotaValue(ctx.world, ctx.account, ctx.region, 'elasticbeanstalk', 'L-1CEABD17') ?? Infinity;
      if (state.applications.size >= limit) throw new AwsFault('TooManyApplicationsException', `You cannot have more than ${limit} applications.`, 400);
      const created: sdk.ApplicationDescription = {
        ApplicationName: name,
        ApplicationArn: `arn:aws:elasticbeanstalk:${ctx.region}:${ctx.account}:application/${name}`,
        Description: input.Description,
        DateCreated: new Date(ctx.now),
        DateUpdated: new Date(ctx.now),
        Versions: [],
        ConfigurationTemplates: [],
      };
      state.applications.set(name, created);
      state.applicationTags.set(name, input.Tags ?? []);
      return { Application: created };
    },

    DescribeApplications: (ctx: CallContext, input: sdk.DescribeApplicationsMessage): Out<sdk.ApplicationDescriptionsMessage> => {
      const all = [...ebState(ctx.world, ctx.account, ctx.region).applications.values()];
      return { Applications: all.filter((a) => !input.ApplicationNames?.length || input.ApplicationNames.includes(a.ApplicationName!)) };
    },

    DeleteApplication: (ctx: CallContext, input: sdk.DeleteApplicationMessage) => {
      const state = ebState(ctx.world, ctx.account, ctx.region);
      const a = app(ctx, input.ApplicationName);
      const running = [...state.environments.values()].filter((e) => e.env.ApplicationName === a.ApplicationName && e.env.Status !== 'Terminated');
      if (running.length && !input.TerminateEnvByForce) {
        throw invalidParameter(`Unable to delete application ${a.ApplicationName} because it has running environments: ${running.map((e) => e.env.EnvironmentName).join(', ')}.`);
      }
      state.applications.delete(a.ApplicationName!);
      state.applicationTags.delete(a.ApplicationName!);
      for (const key of [...state.versions.keys()]) if (key.startsWith(`${a.ApplicationName}/`)) state.versions.delete(key);
    },

    CreateApplicationVersion: (ctx: CallContext, input: sdk.CreateApplicationVersionMessage): Out<sdk.ApplicationVersionDescriptionMessage> => {
      const state = ebState(ctx.world, ctx.account, ctx.region);
      const appName = required(input.ApplicationName, 'ApplicationName');
      const label = required(input.VersionLabel, 'VersionLabel');
      if (!state.applications.has(appName)) {
        if (!input.AutoCreateApplication) throw invalidParameter(`No Application named '${appName}' found.`);
        elasticBeanstalk.handlers.CreateApplication!(ctx, { ApplicationName: appName });
      }
      if (state.versions.has(versionKey(appName, label))) throw invalidParameter(`Application Version ${label} already exists.`);
      const bundle = input.SourceBundle;
      if (bundle && !findObject(ctx.world, ctx.region, bundle.S3Bucket ?? '', bundle.S3Key ?? '')) {
        throw new AwsFault('InvalidParameterCombination', `Unable to download from S3 location (Bucket: ${bundle.S3Bucket} Key: ${bundle.S3Key}). Reason: Not Found`, 400);
      }
      const version: sdk.ApplicationVersionDescription = {
        ApplicationVersionArn: `arn:aws:elasticbeanstalk:${ctx.region}:${ctx.account}:applicationversion/${appName}/${label}`,
        ApplicationName: appName,
        VersionLabel: label,
        Description: input.Description,
        SourceBundle: bundle,
        DateCreated: new Date(ctx.now),
        DateUpdated: new Date(ctx.now),
        Status: input.Process ? 'Processed' : 'Unprocessed',
      };
      state.versions.set(versionKey(appName, label), version);
      return { ApplicationVersion: version };
    },

    DescribeApplicationVersions: (ctx: CallContext, input: sdk.DescribeApplicationVersionsMessage): Out<sdk.ApplicationVersionDescriptionsMessage> => {
      const all = [...ebState(ctx.world, ctx.account, ctx.region).versions.values()].filter(
        (v) => (!input.ApplicationName || v.ApplicationName === input.ApplicationName) && (!input.VersionLabels?.length || input.VersionLabels.includes(v.VersionLabel!)),
      );
      const { page, next } = paginate(all.reverse(), input.NextToken, input.MaxRecords);
      return { ApplicationVersions: page, ...(next ? { NextToken: next } : {}) };
    },

    DeleteApplicationVersion: (ctx: CallContext, input: sdk.DeleteApplicationVersionMessage) => {
      const state = ebState(ctx.world, ctx.account, ctx.region);
      const key = versionKey(required(input.ApplicationName, 'ApplicationName'), required(input.VersionLabel, 'VersionLabel'));
      if (!state.versions.has(key)) throw invalidParameter(`Application Version ${input.VersionLabel} does not exist.`);
      const inUse = [...state.environments.values()].some(
        (e) => e.env.Status !== 'Terminated' && e.env.ApplicationName === input.ApplicationName && e.env.VersionLabel === input.VersionLabel,
      );
      if (inUse) throw invalidParameter(`Unable to delete application version ${input.VersionLabel} because it is being used by an environment.`);
      state.versions.delete(key);
    },

    CreateStorageLocation: (ctx: CallContext): Out<sdk.CreateStorageLocationResultMessage> => {
      // EB's regional bucket for the account: created on first use, the same bucket afterwards.
      const name = `elasticbeanstalk-${ctx.region}-${ctx.account}`;
      const buckets = s3State(ctx.world).buckets;
      if (!buckets.has(name)) buckets.set(name, { name, account: ctx.account, region: ctx.region, created: new Date(ctx.now), tags: [], objects: new Map(), uploads: new Map() });
      return { S3Bucket: name };
    },

    RestartAppServer: (ctx: CallContext, input: sdk.RestartAppServerMessage) => {
      const rec = environment(ctx, input.EnvironmentName, input.EnvironmentId);
      needReady(rec);
      event(ctx.world, rec, ctx.now, 'restartAppServer is starting.', 'INFO', ctx.requestId);
      event(ctx.world, rec, ctx.now, 'restartAppServer completed successfully.');
    },

    CheckDNSAvailability: (ctx: CallContext, input: sdk.CheckDNSAvailabilityMessage): Out<sdk.CheckDNSAvailabilityResultMessage> => {
      const cname = `${required(input.CNAMEPrefix, 'CNAMEPrefix')}.${ctx.region}.elasticbeanstalk.com`;
      return { Available: !cnameTaken(ctx.world, ctx.region, cname), FullyQualifiedCNAME: cname };
    },

    CreateEnvironment: (ctx: CallContext, input: sdk.CreateEnvironmentMessage): Out<sdk.EnvironmentDescription> => {
      const state = ebState(ctx.world, ctx.account, ctx.region);
      const a = app(ctx, input.ApplicationName);
      const name = required(input.EnvironmentName, 'EnvironmentName');
      if (!/^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$/.test(name)) throw invalidParameter(`Value ${name} at 'EnvironmentName' failed to satisfy constraint: 4-40 letters, digits and hyphens.`);
      if ([...state.environments.values()].some((e) => e.env.EnvironmentName === name && e.env.Status !== 'Terminated')) {
        throw invalidParameter(`Environment ${name} already exists.`);
      }
      const platform = resolvePlatform(ctx.region, input.SolutionStackName, input.PlatformArn);
      if (input.VersionLabel && !state.versions.has(versionKey(a.ApplicationName!, input.VersionLabel))) {
        throw invalidParameter(`No Application Version named '${input.VersionLabel}' found.`);
      }
      const given = input.OptionSettings ?? [];
      rejectInvalid(validateOptions(given));
      const lbType = option(given, 'aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic';
      const options = mergeOptions(defaultOptions(lbType), given);
      checkIam(ctx, options);
      const running = [...state.environments.values()].filter((e) => e.env.Status !== 'Terminated').length;
      const limit = quotaValue(ctx.world, ctx.account, ctx.region, 'elasticbeanstalk', 'L-8EFC1C51') ?? Infinity;
      if (running >= limit) throw new AwsFault('TooManyEnvironmentsException', `You cannot have more than ${limit} environments.`, 400);
      const cname = `${input.CNAMEPrefix ?? `${name}-${ids.lower(6)}`}.${ctx.region}.elasticbeanstalk.com`;
      if (cnameTaken(ctx.world, ctx.region, cname)) throw invalidParameter(`DNS name (${cname}) is not available.`);
      const id = `e-${ids.lower(10)}`;
      const rec: EnvRecord = {
        options,
        tags: input.Tags ?? [],
        env: {
          EnvironmentName: name,
          EnvironmentId: id,
          ApplicationName: a.ApplicationName,
          VersionLabel: input.VersionLabel,
          SolutionStackName: platform.solutionStack,
          PlatformArn: platform.arn,
          Description: input.Description,
          CNAME: cname,
          DateCreated: new Date(ctx.now),
          DateUpdated: new Date(ctx.now),
          Status: 'Launching',
          AbortableOperationInProgress: false,
          Health: 'Grey',
          Tier: { Name: 'WebServer', Type: 'Standard', Version: '1.0' },
          EnvironmentLinks: [],
          EnvironmentArn: `arn:aws:elasticbeanstalk:${ctx.region}:${ctx.account}:environment/${a.ApplicationName}/${name}`,
        },
      };
      state.environments.set(id, rec);
      launch(ctx, rec);
      return view(ctx.world, rec);
    },

    DescribeEnvironments: (ctx: CallContext, input: sdk.DescribeEnvironmentsMessage): Out<sdk.EnvironmentDescriptionsMessage> => {
      const includeDeleted = input.IncludeDeleted ?? true;
      const all = [...ebState(ctx.world, ctx.account, ctx.region).environments.values()].filter(
        (r) =>
          (!input.ApplicationName || r.env.ApplicationName === input.ApplicationName) &&
          (!input.EnvironmentIds?.length || input.EnvironmentIds.includes(r.env.EnvironmentId!)) &&
          (!input.EnvironmentNames?.length || input.EnvironmentNames.includes(r.env.EnvironmentName!)) &&
          (includeDeleted || r.env.Status !== 'Terminated'),
      );
      const { page, next } = paginate(all, input.NextToken, input.MaxRecords);
      return { Environments: page.map((r) => view(ctx.world, r)), ...(next ? { NextToken: next } : {}) };
    },

    DescribeEvents: (ctx: CallContext, input: sdk.DescribeEventsMessage): Out<sdk.EventDescriptionsMessage> => {
      const min = SEVERITIES.indexOf(input.Severity ?? 'TRACE');
      const envName = input.EnvironmentId ? environment(ctx, undefined, input.EnvironmentId).env.EnvironmentName : input.EnvironmentName;
      // Newest first; events logged at the same instant keep their logical order, last one first.
      const events = [...ebState(ctx.world, ctx.account, ctx.region).events]
        .reverse()
        .filter(
          (e) =>
            (!input.ApplicationName || e.ApplicationName === input.ApplicationName) &&
            (!envName || e.EnvironmentName === envName) &&
            (!input.VersionLabel || e.VersionLabel === input.VersionLabel) &&
            (!input.StartTime || e.EventDate! >= input.StartTime) &&
            (!input.EndTime || e.EventDate! < input.EndTime) &&
            SEVERITIES.indexOf(e.Severity!) >= min,
        )
        .sort((x, y) => y.EventDate!.getTime() - x.EventDate!.getTime());
      const { page, next } = paginate(events, input.NextToken, input.MaxRecords, 1000);
      return { Events: page, ...(next ? { NextToken: next } : {}) };
    },

    DescribeConfigurationSettings: (ctx: CallContext, input: sdk.DescribeConfigurationSettingsMessage): Out<sdk.ConfigurationSettingsDescriptions> => {
      app(ctx, input.ApplicationName);
      const rec = environment(ctx, required(input.EnvironmentName, 'EnvironmentName'));
      return {
        ConfigurationSettings: [
          {
            ApplicationName: rec.env.ApplicationName,
            EnvironmentName: rec.env.EnvironmentName,
            SolutionStackName: rec.env.SolutionStackName,
            PlatformArn: rec.env.PlatformArn,
            DeploymentStatus: 'deployed',
            DateCreated: rec.env.DateCreated,
            DateUpdated: rec.env.DateUpdated,
            OptionSettings: rec.options,
          },
        ],
      };
    },

    ValidateConfigurationSettings: (ctx: CallContext, input: sdk.ValidateConfigurationSettingsMessage): Out<sdk.ConfigurationSettingsValidationMessages> => {
      app(ctx, input.ApplicationName);
      const current = input.EnvironmentName ? environment(ctx, input.EnvironmentName).options : undefined;
      return { Messages: validateOptions(required(input.OptionSettings, 'OptionSettings'), current) };
    },

    UpdateEnvironment: (ctx: CallContext, input: sdk.UpdateEnvironmentMessage): Out<sdk.EnvironmentDescription> => {
      const state = ebState(ctx.world, ctx.account, ctx.region);
      const rec = environment(ctx, input.EnvironmentName, input.EnvironmentId);
      needReady(rec);
      if (input.VersionLabel && !state.versions.has(versionKey(rec.env.ApplicationName!, input.VersionLabel))) {
        throw invalidParameter(`No Application Version named '${input.VersionLabel}' found.`);
      }
      const platform = input.SolutionStackName || input.PlatformArn ? resolvePlatform(ctx.region, input.SolutionStackName, input.PlatformArn) : undefined;
      rejectInvalid(validateOptions(input.OptionSettings ?? [], rec.options));
      const options = mergeOptions(rec.options, input.OptionSettings, input.OptionsToRemove);
      checkIam(ctx, options);
      scheduleUpdate(ctx, rec, { options, versionLabel: input.VersionLabel, description: input.Description, platform });
      return view(ctx.world, rec);
    },

    DescribeEnvironmentResources: (ctx: CallContext, input: sdk.DescribeEnvironmentResourcesMessage): Out<sdk.EnvironmentResourceDescriptionsMessage> => {
      const rec = environment(ctx, input.EnvironmentName, input.EnvironmentId);
      const r = rec.resources;
      return {
        EnvironmentResources: {
          EnvironmentName: rec.env.EnvironmentName,
          AutoScalingGroups: r ? [{ Name: r.autoScalingGroup }] : [],
          Instances: r && rec.env.Status !== 'Launching' ? r.instances.map((Id) => ({ Id })) : [],
          LaunchConfigurations: [],
          LaunchTemplates: r ? [{ Id: r.launchTemplate }] : [],
          LoadBalancers: r?.lb ? [{ Name: r.lb.kind === 'classic' ? r.lb.name : r.lb.arn }] : [],
          Triggers: [],
          Queues: [],
        },
      };
    },

    SwapEnvironmentCNAMEs: (ctx: CallContext, input: sdk.SwapEnvironmentCNAMEsMessage) => {
      const a = environment(ctx, input.SourceEnvironmentName, input.SourceEnvironmentId);
      const b = environment(ctx, input.DestinationEnvironmentName, input.DestinationEnvironmentId);
      needReady(a);
      needReady(b);
      [a.env.CNAME, b.env.CNAME] = [b.env.CNAME, a.env.CNAME];
      event(ctx.world, a, ctx.now, `Completed swapping CNAMEs for environments '${a.env.EnvironmentName}' and '${b.env.EnvironmentName}'.`, 'INFO', ctx.requestId);
    },

    TerminateEnvironment: (ctx: CallContext, input: sdk.TerminateEnvironmentMessage): Out<sdk.EnvironmentDescription> => {
      const rec = environment(ctx, input.EnvironmentName, input.EnvironmentId);
      if (rec.env.Status === 'Terminating') throw invalidParameter(`Environment named ${rec.env.EnvironmentName} is already being terminated.`);
      scheduleTermination(ctx, rec);
      return view(ctx.world, rec);
    },

    ListTagsForResource: (ctx: CallContext, input: sdk.ListTagsForResourceMessage): Out<sdk.ResourceTagsDescriptionMessage> => {
      const state = ebState(ctx.world, ctx.account, ctx.region);
      const arn = required(input.ResourceArn, 'ResourceArn');
      const application = [...state.applications.values()].find((a) => a.ApplicationArn === arn);
      const env = [...state.environments.values()].find((r) => r.env.EnvironmentArn === arn && r.env.Status !== 'Terminated');
      const tags = application ? state.applicationTags.get(application.ApplicationName!) : env?.tags;
      if (!tags) throw new AwsFault('ResourceNotFoundException', `Resource ${arn} not found.`, 404);
      return { ResourceArn: arn, ResourceTags: tags };
    },

    ListPlatformBranches: (_ctx: CallContext, input: sdk.ListPlatformBranchesRequest): Out<sdk.ListPlatformBranchesResult> => {
      const { page, next } = paginate(branchSummaries(input.Filters), input.NextToken, input.MaxRecords);
      return { PlatformBranchSummaryList: page, ...(next ? { NextToken: next } : {}) };
    },

    ListPlatformVersions: (ctx: CallContext, input: sdk.ListPlatformVersionsRequest): Out<sdk.ListPlatformVersionsResult> => {
      const { page, next } = paginate(platformSummaries(ctx.region, input.Filters), input.NextToken, input.MaxRecords);
      return { PlatformSummaryList: page, ...(next ? { NextToken: next } : {}) };
    },
  },
};

