import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLES } from '../../../shared/mapping/tables/index.js';
import { refreshTables } from '../../../shared/mapping/tables/refresh.js';
import type { AwsOfferings } from '../../../shared/schema/aws.js';

const offerings: AwsOfferings = {
  region: 'eu-west-1',
  fetchedAt: '2027-03-01T09:00:00.000Z',
  platformBranches: [
    { name: 'Node.js 26 running on 64bit Amazon Linux 2023', platform: 'Node.js', lifecycle: 'beta', order: 1 },
    { name: 'Node.js 22 running on 64bit Amazon Linux 2023', platform: 'Node.js', lifecycle: 'deprecated', order: 2 },
    { name: 'Node.js 20 running on 64bit Amazon Linux 2', platform: 'Node.js', lifecycle: 'supported', order: 3 },
  ],
  engineVersions: [
    { engine: 'postgres', version: '17.4', major: '17', status: 'available' },
    { engine: 'postgres', version: '19.1', major: '19', status: 'available' },
    { engine: 'postgres', version: '17.5', major: '17', status: 'available' },
    { engine: 'mysql', version: '8.4.5', major: '8.4', status: 'available' },
  ],
};

describe('refreshTables', () => {
  const t = refreshTables(DEFAULT_TABLES, offerings);

  it('takes the AL2023 Node.js branches AWS offers now, with their lifecycle, and dates the tables', () => {
    expect(t.asOf).toBe('2027-03-01');
    expect(t.platformBranches.map((b) => [b.nodeMajor, b.status])).toEqual([[26, 'supported'], [22, 'deprecated']]);
    expect(t.platformBranches[0]?.upstreamEol).toBe('unknown');
    expect(t.platformBranches[1]?.upstreamEol).toBe(DEFAULT_TABLES.platformBranches.find((b) => b.nodeMajor === 22)?.upstreamEol);
    expect(t.platformBranches[0]?.source).toBe('ListPlatformBranches in eu-west-1 on 2027-03-01');
  });

  it('keeps only the majors offered, with what the snapshot knew about them', () => {
    expect(t.rdsVersions.postgres.map((r) => r.version)).toEqual(['17', '19']);
    expect(t.rdsVersions.postgres[0]?.standardSupportEnds).toBe('2030-02-28');
    expect(t.rdsVersions.postgres[1]?.standardSupportEnds).toBeNull();
    expect(t.rdsVersions.mysql.map((r) => r.version)).toEqual(['8.4']);
    expect(t.rdsVersions.mariadb).toEqual([]);
    expect(t.cacheVersions).toBe(DEFAULT_TABLES.cacheVersions);
  });
});
