import { ListPlatformBranchesCommand } from '@aws-sdk/client-elastic-beanstalk';
import { DescribeDBEngineVersionsCommand } from '@aws-sdk/client-rds';
import type { AwsOfferings } from '../../../shared/schema/aws.js';
import type { AwsClients } from './clients.js';

export const OFFERED_ENGINES = ['postgres', 'mysql', 'mariadb'] as const;

/** Node.js platform branches (retired ones left out) and database engine versions on offer now. */
export async function fetchAwsOfferings(clients: AwsClients, now = new Date()): Promise<AwsOfferings> {
  const platformBranches: AwsOfferings['platformBranches'] = [];
  let token: string | undefined;
  do {
    const page = await clients.elasticbeanstalk.send(
      new ListPlatformBranchesCommand({
        Filters: [
          { Attribute: 'PlatformName', Operator: '=', Values: ['Node.js'] },
          { Attribute: 'LifecycleState', Operator: '!=', Values: ['retired'] },
        ],
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const b of page.PlatformBranchSummaryList ?? []) {
      platformBranches.push({ name: b.BranchName!, platform: b.PlatformName ?? 'Node.js', lifecycle: b.LifecycleState ?? 'unknown', order: b.BranchOrder ?? null });
    }
    token = page.NextToken;
  } while (token);

  const engineVersions: AwsOfferings['engineVersions'] = [];
  for (const engine of OFFERED_ENGINES) {
    let marker: string | undefined;
    do {
      const page = await clients.rds.send(new DescribeDBEngineVersionsCommand({ Engine: engine, ...(marker ? { Marker: marker } : {}) }));
      for (const v of page.DBEngineVersions ?? []) {
        engineVersions.push({ engine, version: v.EngineVersion!, major: v.MajorEngineVersion ?? null, status: v.Status ?? null });
      }
      marker = page.Marker;
    } while (marker);
  }
  return { region: clients.region, fetchedAt: now.toISOString(), platformBranches, engineVersions };
}
