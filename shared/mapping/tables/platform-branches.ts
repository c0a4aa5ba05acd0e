/**
 * Elastic Beanstalk Node.js platform branches (offline snapshot). Each row cites the AWS page
 * it came from; `--refresh` replaces it with ListPlatformBranches once the AWS layer exists.
 */

export type BranchStatus = 'supported' | 'deprecated' | 'retired';

export interface PlatformBranch {
  nodeMajor: number;
  branch: string;
  /** Latest platform version seen in the snapshot, for the runbook only (the ARN picks the latest). */
  latestVersion: string | null;
  status: BranchStatus;
  /** Node.js upstream end of life (nodejs.org release schedule). */
  upstreamEol: string;
  reason: string;
  source: string;
}

const HISTORY = 'https://docs.aws.amazon.com/elasticbeanstalk/latest/platforms/platform-history-nodejs.html';
const RETIRED = 'https://docs.aws.amazon.com/elasticbeanstalk/latest/platforms/platforms-retiring.html';

export const PLATFORM_BRANCHES: PlatformBranch[] = [
  {
    nodeMajor: 24,
    branch: 'Node.js 24 running on 64bit Amazon Linux 2023',
    latestVersion: '6.10.0',
    status: 'supported',
    upstreamEol: '2028-04-30',
    reason: 'Current AL2023 branch (v6.10.0 current since 2026-03-31); Node.js 24 is the active LTS line.',
    source: HISTORY,
  },
  {
    nodeMajor: 22,
    branch: 'Node.js 22 running on 64bit Amazon Linux 2023',
    latestVersion: '6.10.0',
    status: 'supported',
    upstreamEol: '2027-04-30',
    reason: 'Current AL2023 branch (v6.10.0 current since 2026-03-31); Node.js 22 is in maintenance LTS.',
    source: HISTORY,
  },
  {
    nodeMajor: 20,
    branch: 'Node.js 20 running on 64bit Amazon Linux 2023',
    latestVersion: '6.10.0',
    status: 'deprecated',
    upstreamEol: '2026-04-30',
    reason: 'Still listed on 2026-03-31, but Node.js 20 reached its upstream end of life on 2026-04-30 and the branch is due to retire.',
    source: HISTORY,
  },
  {
    nodeMajor: 18,
    branch: 'Node.js 18 running on 64bit Amazon Linux 2023',
    latestVersion: null,
    status: 'retired',
    upstreamEol: '2025-04-30',
    reason: 'Node.js 18 branches were retired on 2025-08-11.',
    source: RETIRED,
  },
  {
    nodeMajor: 16,
    branch: 'Node.js 16 running on 64bit Amazon Linux 2',
    latestVersion: null,
    status: 'retired',
    upstreamEol: '2023-09-11',
    reason: 'Amazon Linux 2 Node.js 16 branch retired after Node.js 16 reached end of life.',
    source: RETIRED,
  },
  {
    nodeMajor: 14,
    branch: 'Node.js 14 running on 64bit Amazon Linux 2',
    latestVersion: null,
    status: 'retired',
    upstreamEol: '2023-04-30',
    reason: 'Amazon Linux 2 Node.js 14 branch retired after Node.js 14 reached end of life.',
    source: RETIRED,
  },
  {
    nodeMajor: 12,
    branch: 'Node.js 12 running on 64bit Amazon Linux 2',
    latestVersion: null,
    status: 'retired',
    upstreamEol: '2022-04-30',
    reason: 'Amazon Linux 2 Node.js 12 branch retired after Node.js 12 reached end of life; all Amazon Linux AMI (AL1) branches retired 2022-07-18.',
    source: RETIRED,
  },
];

/**
 * The branch ARN without a version: CreateEnvironment then uses the branch's latest platform
 * version (the form the AWS secrets-as-environment-variables guide uses in its examples).
 */
export function platformBranchArn(branch: PlatformBranch): string {
  return `arn:aws:elasticbeanstalk:::platform/${branch.branch}`;
}
