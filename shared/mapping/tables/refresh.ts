import type { AwsOfferings } from '../../schema/aws.js';
import type { EngineVersionRow } from './engine-versions.js';
import type { Tables } from './index.js';
import type { BranchStatus, PlatformBranch } from './platform-branches.js';

const AL2023 = /^Node\.js (\d+) running on 64bit Amazon Linux 2023$/;

function branchStatus(lifecycle: string): BranchStatus {
  return lifecycle === 'deprecated' ? 'deprecated' : lifecycle === 'retired' ? 'retired' : 'supported';
}

/**
 * `skylift plan --refresh`: the platform branches and database majors AWS offers today replace
 * the dated snapshot. What the live APIs do not say (upstream end of life, support end dates)
 * is kept from the snapshot for majors it knows, and shown as unknown for new ones.
 */
export function refreshTables(base: Tables, offerings: AwsOfferings): Tables {
  const asOf = offerings.fetchedAt.slice(0, 10);
  const source = (api: string) => `${api} in ${offerings.region} on ${asOf}`;
  const platformBranches: PlatformBranch[] = offerings.platformBranches.flatMap((b) => {
    const m = AL2023.exec(b.name);
    if (!m) return [];
    const nodeMajor = Number(m[1]);
    const known = base.platformBranches.find((x) => x.nodeMajor === nodeMajor);
    return [
      {
        nodeMajor,
        branch: b.name,
        latestVersion: null,
        status: branchStatus(b.lifecycle),
        upstreamEol: known?.upstreamEol ?? 'unknown',
        reason: `Offered now (lifecycle ${b.lifecycle}).`,
        source: source('ListPlatformBranches'),
      },
    ];
  });
  const rdsVersions = Object.fromEntries(
    (Object.keys(base.rdsVersions) as (keyof Tables['rdsVersions'])[]).map((engine) => {
      const majors = [...new Set(offerings.engineVersions.filter((v) => v.engine === engine && v.major).map((v) => v.major as string))];
      const rows: EngineVersionRow[] = majors
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
        .map((major) => {
          const known = base.rdsVersions[engine].find((r) => r.version === major);
          return {
            version: major,
            standardSupportEnds: known?.standardSupportEnds ?? null,
            reason: known ? `${known.reason} Still offered.` : 'Offered now; its support calendar is not in the snapshot.',
            source: source('DescribeDBEngineVersions'),
          };
        });
      return [engine, rows];
    }),
  ) as Tables['rdsVersions'];
  return {
    asOf,
    platformBranches: platformBranches.length ? platformBranches : base.platformBranches,
    rdsVersions,
    cacheVersions: base.cacheVersions,
  };
}
