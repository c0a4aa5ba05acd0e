import type * as sdk from '@aws-sdk/client-elastic-beanstalk';
import type { Tag } from '../util.js';
import type { World } from '../world.js';
import { option, type OptionSetting } from './eb-options.js';
import type { EnvResources } from './eb-resources.js';

export interface EnvRecord {
  env: sdk.EnvironmentDescription;
  options: OptionSetting[];
  tags: Tag[];
  resources?: EnvResources;
}

export class EbState {
  applications = new Map<string, sdk.ApplicationDescription>();
  /** An application's tags by name (environments keep theirs in their record). */
  applicationTags = new Map<string, Tag[]>();
  versions = new Map<string, sdk.ApplicationVersionDescription>();
  environments = new Map<string, EnvRecord>();
  events: sdk.EventDescription[] = [];
}

export const EB = 'elasticbeanstalk';

export const ebState = (world: World, account: string, region: string) => world.scoped(EB, account, region, () => new EbState());

/** Health as EB reports it: grey until launched, then green only if the app answers behind it. */
export function view(world: World, rec: EnvRecord): sdk.EnvironmentDescription {
  const enhanced = option(rec.options, 'aws:elasticbeanstalk:healthreporting:system', 'SystemType') === 'enhanced';
  const status = rec.env.Status;
  const serving = status === 'Ready' || status === 'Updating';
  const up = serving && world.backends.apps.has(rec.env.EnvironmentName!);
  const health = status === 'Terminated' || status === 'Launching' ? 'Grey' : up ? 'Green' : serving ? 'Red' : 'Grey';
  const healthStatus = status === 'Launching' ? 'Pending' : up ? 'Ok' : serving ? 'Severe' : undefined;
  return { ...rec.env, Health: health, ...(enhanced && healthStatus && status !== 'Terminated' ? { HealthStatus: healthStatus } : {}) };
}

/** Live environments in every account (CNAMEs are one namespace per region, as on AWS). */
function* liveEnvironments(world: World): Generator<{ region: string; rec: EnvRecord }> {
  for (const { region, state } of world.all<EbState>(EB)) {
    for (const rec of state.environments.values()) if (rec.env.Status !== 'Terminated') yield { region, rec };
  }
}

export function cnameTaken(world: World, region: string, cname: string): boolean {
  for (const e of liveEnvironments(world)) if (e.region === region && e.rec.env.CNAME === cname) return true;
  return false;
}

/** The environment (in any account) whose CNAME is this host name, for the resolver. */
export function environmentByCname(world: World, host: string): EnvRecord | undefined {
  for (const e of liveEnvironments(world)) if (e.rec.env.CNAME === host) return e.rec;
  return undefined;
}
