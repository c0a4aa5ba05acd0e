/**
 * The tables a refresh from the live AWS APIs may replace (`skylift plan --refresh`); the
 * sizing rules and prices stay in their modules.
 */

import { TABLES_AS_OF } from './as-of.js';
import { CACHE_VERSIONS, type CacheVersionRow, type EngineVersionRow, RDS_VERSIONS } from './engine-versions.js';
import { PLATFORM_BRANCHES, type PlatformBranch } from './platform-branches.js';

export interface Tables {
  asOf: string;
  platformBranches: PlatformBranch[];
  rdsVersions: Record<'postgres' | 'mysql' | 'mariadb', EngineVersionRow[]>;
  cacheVersions: CacheVersionRow[];
}

export const DEFAULT_TABLES: Tables = {
  asOf: TABLES_AS_OF,
  platformBranches: PLATFORM_BRANCHES,
  rdsVersions: RDS_VERSIONS,
  cacheVersions: CACHE_VERSIONS,
};
