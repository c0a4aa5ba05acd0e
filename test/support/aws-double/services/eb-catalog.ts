import type * as sdk from '@aws-sdk/client-elastic-beanstalk';
import { AwsFault } from '../errors.js';

interface Branch {
  name: string;
  lifecycle: 'supported' | 'beta' | 'deprecated' | 'retired';
  order: number;
  /** Platform versions, oldest first. */
  versions: string[];
  language: string;
  runtime: string;
  os: string;
}

/** A dated snapshot (2026-01) of the Node.js platform branches, enough for lifecycle tests. */
const BRANCHES: Branch[] = [
  { name: 'Node.js 24 running on 64bit Amazon Linux 2023', lifecycle: 'supported', order: 1, versions: ['6.6.4', '6.7.1'], language: 'Node.js', runtime: 'Node.js 24', os: 'Amazon Linux 2023' },
  { name: 'Node.js 22 running on 64bit Amazon Linux 2023', lifecycle: 'supported', order: 2, versions: ['6.6.4', '6.7.1'], language: 'Node.js', runtime: 'Node.js 22', os: 'Amazon Linux 2023' },
  { name: 'Node.js 20 running on 64bit Amazon Linux 2023', lifecycle: 'supported', order: 3, versions: ['6.6.4', '6.7.1'], language: 'Node.js', runtime: 'Node.js 20', os: 'Amazon Linux 2023' },
  { name: 'Node.js 18 running on 64bit Amazon Linux 2023', lifecycle: 'retired', order: 4, versions: ['6.5.2'], language: 'Node.js', runtime: 'Node.js 18', os: 'Amazon Linux 2023' },
  { name: 'Node.js 18 running on 64bit Amazon Linux 2', lifecycle: 'retired', order: 5, versions: ['5.10.1'], language: 'Node.js', runtime: 'Node.js 18', os: 'Amazon Linux 2' },
];

export interface Platform {
  arn: string;
  solutionStack: string;
  branch: Branch;
  version: string;
}

const stackName = (b: Branch, v: string) => `64bit ${b.os} v${v} running ${b.runtime}`;

export function platforms(region: string): Platform[] {
  return BRANCHES.flatMap((branch) =>
    branch.versions.map((version) => ({
      arn: `arn:aws:elasticbeanstalk:${region}::platform/${branch.name}/${version}`,
      solutionStack: stackName(branch, version),
      branch,
      version,
    })),
  );
}

/** The platform a CreateEnvironment names; retired branches cannot launch new environments. */
export function resolvePlatform(region: string, stack: string | undefined, arn: string | undefined): Platform {
  const found = platforms(region).find((p) => (arn ? p.arn === arn : p.solutionStack === stack));
  if (!found) {
    throw new AwsFault('InvalidParameterValue', arn ? `No Platform named '${arn}' found.` : `No Solution Stack named '${stack}' found.`, 400);
  }
  if (found.branch.lifecycle === 'retired') {
    throw new AwsFault('InvalidParameterValue', `The platform '${found.branch.name}' is retired and can no longer be used to create environments.`, 400);
  }
  return found;
}

type Op = (actual: string, value: string) => boolean;
const OPERATORS: Record<string, Op> = {
  '=': (a, v) => a === v,
  '!=': (a, v) => a !== v,
  in: (a, v) => a === v,
  not_in: (a, v) => a !== v,
  contains: (a, v) => a.includes(v),
  begins_with: (a, v) => a.startsWith(v),
  ends_with: (a, v) => a.endsWith(v),
};

function test(actual: string, operator: string | undefined, values: string[] | undefined): boolean {
  const op = OPERATORS[operator ?? '='];
  if (!op) throw new AwsFault('InvalidParameterValue', `Operator '${operator}' is not supported`, 400);
  const list = values ?? [];
  return operator === '!=' || operator === 'not_in' ? list.every((v) => op(actual, v)) : list.some((v) => op(actual, v));
}

export function branchSummaries(filters: sdk.SearchFilter[] | undefined): sdk.PlatformBranchSummary[] {
  const attributes: Record<string, (b: Branch) => string> = {
    BranchName: (b) => b.name,
    LifecycleState: (b) => b.lifecycle,
    PlatformName: (b) => b.language,
    TierType: () => 'WebServer/Standard',
  };
  return BRANCHES.filter((b) =>
    (filters ?? []).every((f) => {
      const get = attributes[f.Attribute ?? ''];
      if (!get) throw new AwsFault('InvalidParameterValue', `Invalid search filter attribute '${f.Attribute}'`, 400);
      return test(get(b), f.Operator, f.Values);
    }),
  ).map((b) => ({
    PlatformName: b.language,
    BranchName: b.name,
    LifecycleState: b.lifecycle,
    BranchOrder: b.order,
    SupportedTierList: ['WebServer/Standard', 'Worker/SQS/HTTP'],
  }));
}

export function platformSummaries(region: string, filters: sdk.PlatformFilter[] | undefined): sdk.PlatformSummary[] {
  const attributes: Record<string, (p: Platform) => string> = {
    PlatformBranchName: (p) => p.branch.name,
    PlatformName: (p) => p.branch.name,
    PlatformVersion: (p) => p.version,
    PlatformStatus: () => 'Ready',
    PlatformOwner: () => 'AWSElasticBeanstalk',
    ProgrammingLanguageName: (p) => p.branch.language,
    PlatformLifecycleState: (p) => (isLatest(p) ? 'Recommended' : ''),
    PlatformBranchLifecycleState: (p) => p.branch.lifecycle,
  };
  return platforms(region)
    .filter((p) =>
      (filters ?? []).every((f) => {
        const get = attributes[f.Type ?? ''];
        if (!get) throw new AwsFault('InvalidParameterValue', `Invalid platform filter type '${f.Type}'`, 400);
        return test(get(p), f.Operator, f.Values);
      }),
    )
    .map((p) => ({
      PlatformArn: p.arn,
      PlatformOwner: 'AWSElasticBeanstalk',
      PlatformStatus: 'Ready',
      PlatformCategory: 'Node.js',
      OperatingSystemName: p.branch.os,
      OperatingSystemVersion: p.branch.os.endsWith('2023') ? '2023' : '2',
      SupportedTierList: ['WebServer/Standard', 'Worker/SQS/HTTP'],
      SupportedAddonList: ['Log/S3', 'Monitoring/Healthd', 'WorkerDaemon/SQSD'],
      ...(isLatest(p) ? { PlatformLifecycleState: 'Recommended' } : {}),
      PlatformVersion: p.version,
      PlatformBranchName: p.branch.name,
      PlatformBranchLifecycleState: p.branch.lifecycle,
    }));
}

const isLatest = (p: Platform) => p.branch.versions[p.branch.versions.length - 1] === p.version;
