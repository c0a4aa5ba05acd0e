import type * as sdk from '@aws-sdk/client-elastic-beanstalk';
import type { CallContext, World } from '../world.js';
import type { Platform } from './eb-catalog.js';
import type { OptionSetting } from './eb-options.js';
import { applyLoadBalancerOptions, launchResources, releaseResources } from './eb-resources.js';
import { EB, ebState, type EnvRecord } from './eb-state.js';
import { lbProxies } from './load-balancers.js';
import { findObject } from './s3.js';

/** What stands in for an environment's instances in a test: told the source bundle of each version deployed to it. */
export type DeployHook = (bundle: Buffer) => void | Promise<void>;
export const deployHooks = (world: World) => world.scoped('eb-deploy-hooks', '-', null, () => new Map<string, DeployHook>());

/** The instances get the environment's current version (when a test stands in for them). */
async function deploy(world: World, rec: EnvRecord): Promise<void> {
  const hook = deployHooks(world).get(rec.env.EnvironmentName!);
  const version = rec.env.VersionLabel && ebState(world, accountOf(rec), regionOf(rec)).versions.get(`${rec.env.ApplicationName}/${rec.env.VersionLabel}`);
  const bundle = version && version.SourceBundle ? findObject(world, regionOf(rec), version.SourceBundle.S3Bucket ?? '', version.SourceBundle.S3Key ?? '') : undefined;
  if (hook && bundle) await hook(bundle);
}

// The environment ARN carries its account and region: arn:aws:elasticbeanstalk:REGION:ACCOUNT:environment/APP/ENV
const regionOf = (rec: EnvRecord) => rec.env.EnvironmentArn!.split(':')[3]!;
const accountOf = (rec: EnvRecord) => rec.env.EnvironmentArn!.split(':')[4]!;

export function event(world: World, rec: EnvRecord, at: number, message: string, severity: sdk.EventSeverity = 'INFO', requestId?: string): void {
  ebState(world, accountOf(rec), regionOf(rec)).events.push({
    EventDate: new Date(at),
    Message: message,
    ApplicationName: rec.env.ApplicationName,
    EnvironmentName: rec.env.EnvironmentName,
    VersionLabel: rec.env.VersionLabel,
    Severity: severity,
    ...(requestId ? { RequestId: requestId } : {}),
  });
}

function later(ctx: CallContext, delayMs: number, run: (at: number) => void | Promise<void>): void {
  ctx.world.scheduler.at(ctx.now + ctx.world.delay(EB, delayMs), run);
}

function settled(rec: EnvRecord, at: number, from: sdk.EnvironmentStatus, to: sdk.EnvironmentStatus): boolean {
  if (rec.env.Status !== from) return false;
  rec.env.Status = to;
  rec.env.DateUpdated = new Date(at);
  return true;
}

/** Launching → Ready in about four virtual minutes, with the events EB logs on the way. */
export function launch(ctx: CallContext, rec: EnvRecord): void {
  const name = rec.env.EnvironmentName!;
  event(ctx.world, rec, ctx.now, 'createEnvironment is starting.', 'INFO', ctx.requestId);
  later(ctx, 3_000, (at) => event(ctx.world, rec, at, `Using elasticbeanstalk-${ctx.region}-${ctx.account} as Amazon S3 storage bucket for environment data.`));
  later(ctx, 40_000, (at) => {
    rec.resources = launchResources(ctx.world, ctx.account, ctx.region, rec, at);
    for (const message of rec.resources.created) event(ctx.world, rec, at, message);
  });
  later(ctx, 200_000, async (at) => {
    if (ctx.world.faults.neverReady(name)) return;
    await deploy(ctx.world, rec);
    event(ctx.world, rec, at, 'Instance deployment completed successfully.');
  });
  later(ctx, 240_000, async (at) => {
    if (ctx.world.faults.neverReady(name) || !settled(rec, at, 'Launching', 'Ready')) return;
    const lb = rec.resources?.lb ?? rec.resources?.instanceProxy;
    if (lb) {
      lb.active = true;
      await lbProxies(ctx.world).sync(lb);
    }
    event(ctx.world, rec, at, `Application available at ${rec.env.CNAME}.`);
    event(ctx.world, rec, at, `Successfully launched environment: ${name}`);
  });
}

export interface EnvUpdate {
  options: OptionSetting[];
  versionLabel: string | undefined;
  description: string | undefined;
  platform: Platform | undefined;
}

/** Updating → Ready; the new options reach the load balancer halfway through. */
export function scheduleUpdate(ctx: CallContext, rec: EnvRecord, update: EnvUpdate): void {
  settled(rec, ctx.now, 'Ready', 'Updating');
  event(ctx.world, rec, ctx.now, 'Environment update is starting.', 'INFO', ctx.requestId);
  later(ctx, 30_000, async (at) => {
    rec.options = update.options;
    if (update.versionLabel) {
      rec.env.VersionLabel = update.versionLabel;
      await deploy(ctx.world, rec);
    }
    if (update.description !== undefined) rec.env.Description = update.description;
    if (update.platform) Object.assign(rec.env, { SolutionStackName: update.platform.solutionStack, PlatformArn: update.platform.arn });
    const lb = rec.resources?.lb;
    if (lb) {
      applyLoadBalancerOptions(lb, update.options);
      await lbProxies(ctx.world).sync(lb);
      event(ctx.world, rec, at, `Updating load balancer named: ${lb.kind === 'classic' ? lb.name : lb.arn}`);
    }
  });
  later(ctx, 60_000, (at) => {
    if (ctx.world.faults.neverReady(rec.env.EnvironmentName!) || !settled(rec, at, 'Updating', 'Ready')) return;
    event(ctx.world, rec, at, 'Environment update completed successfully.');
  });
}

/** Terminating → Terminated; the load balancer and security groups go first. */
export function scheduleTermination(ctx: CallContext, rec: EnvRecord): void {
  rec.env.Status = 'Terminating';
  rec.env.DateUpdated = new Date(ctx.now);
  event(ctx.world, rec, ctx.now, 'terminateEnvironment is starting.', 'INFO', ctx.requestId);
  later(ctx, 60_000, async (at) => {
    for (const message of await releaseResources(ctx.world, ctx.account, ctx.region, rec)) event(ctx.world, rec, at, message);
  });
  later(ctx, 120_000, (at) => {
    if (settled(rec, at, 'Terminating', 'Terminated')) event(ctx.world, rec, at, 'terminateEnvironment completed successfully.');
  });
}
