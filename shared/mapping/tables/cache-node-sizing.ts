/**
 * ElastiCache node types with their usable memory. The first row with at least the needed
 * memory wins (used memory or the configured limit, whichever is larger, plus 50% headroom
 * for growth, replication buffers and fragmentation).
 */

export interface CacheNodeRow {
  nodeType: string;
  memoryGiB: number;
  reason: string;
  source: string;
}

const NODES = 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html';

export const CACHE_NODE_ROWS: CacheNodeRow[] = [
  { nodeType: 'cache.t4g.micro', memoryGiB: 0.5, reason: 'Current-generation burstable node with 0.5 GiB: enough for sessions, pub/sub and small caches.', source: NODES },
  { nodeType: 'cache.t4g.small', memoryGiB: 1.37, reason: 'Burstable node with 1.37 GiB.', source: NODES },
  { nodeType: 'cache.t4g.medium', memoryGiB: 3.09, reason: 'Burstable node with 3.09 GiB.', source: NODES },
  { nodeType: 'cache.m7g.large', memoryGiB: 6.38, reason: 'General-purpose node with 6.38 GiB and steady network performance.', source: NODES },
  { nodeType: 'cache.r7g.large', memoryGiB: 13.07, reason: 'Memory-optimised node with 13.07 GiB.', source: NODES },
  { nodeType: 'cache.r7g.xlarge', memoryGiB: 26.32, reason: 'Memory-optimised node with 26.32 GiB; beyond this, consider cluster mode (sharding).', source: NODES },
];

export const CACHE_HEADROOM = 1.5;
