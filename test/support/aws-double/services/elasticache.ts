import * as sdk from '@aws-sdk/client-elasticache';
import { AwsFault, invalidParameter, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate } from '../util.js';
import type { CallContext, Endpoint, World } from '../world.js';
import { ec2State } from './ec2.js';

export class CacheState {
  groups = new Map<string, sdk.ReplicationGroup>();
  clusters = new Map<string, sdk.CacheCluster>();
  subnetGroups = new Map<string, sdk.CacheSubnetGroup>();
  /** Tags by resource ARN, read back with ListTagsForResource (the describe calls omit them, as on AWS). */
  tags = new Map<string, sdk.Tag[]>();
}

export const cacheState = (world: World, account: string, region: string) => world.scoped('elasticache', account, region, () => new CacheState());

const SERVICE = 'elasticache';
const DEFAULT_PORT: Record<string, number> = { redis: 6379, valkey: 6379, memcached: 11211 };

function schedule(ctx: CallContext, delayMs: number, run: (at: number) => void): void {
  ctx.world.scheduler.at(ctx.now + ctx.world.delay(SERVICE, delayMs), run);
}

/** The real local server for that engine, else an address shaped like AWS's. */
function endpoint(ctx: CallContext, engine: string, name: string): Endpoint {
  const backend = ctx.world.backends.cache[engine];
  return backend ?? { host: `${name}.${ids.lower(6)}.ng.0001.${ctx.region.replace(/-/g, '').slice(0, 4)}.cache.amazonaws.com`, port: DEFAULT_PORT[engine]! };
}

function checkCommon(ctx: CallContext, engine: string, nodeType: string | undefined, subnetGroup: string | undefined): string {
  if (!DEFAULT_PORT[engine]) throw invalidParameter(`Invalid engine name ${engine}; one of redis, valkey, memcached`);
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(required(nodeType, 'CacheNodeType'))) throw invalidParameter(`Invalid CacheNodeType: ${nodeType}`);
  const state = cacheState(ctx.world, ctx.account, ctx.region);
  if (subnetGroup && !state.subnetGroups.has(subnetGroup.toLowerCase())) {
    throw new AwsFault('CacheSubnetGroupNotFoundFault', `CacheSubnetGroup ${subnetGroup} not found.`, 404);
  }
  return subnetGroup?.toLowerCase() ?? 'default';
}

export const elasticache: ServiceDef = {
  id: 'elasticache',
  signingName: 'elasticache',
  protocol: 'query',
  xmlNamespace: 'http://elasticache.amazonaws.com/doc/2015-02-02/',
  sdk,
  handlers: {
    CreateCacheSubnetGroup: (ctx: CallContext, input: sdk.CreateCacheSubnetGroupMessage): Out<sdk.CreateCacheSubnetGroupResult> => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      const name = required(input.CacheSubnetGroupName, 'CacheSubnetGroupName').toLowerCase();
      if (state.subnetGroups.has(name)) throw new AwsFault('CacheSubnetGroupAlreadyExists', `Cache subnet group ${name} already exists.`, 400);
      const ec2 = ec2State(ctx.world, ctx.account, ctx.region);
      const subnets = required(input.SubnetIds, 'SubnetIds').map((id) => {
        const s = ec2.subnets.get(id)?.subnet;
        if (!s) throw new AwsFault('InvalidSubnet', `The subnet ID ${id} does not exist`, 400);
        return s;
      });
      const group: sdk.CacheSubnetGroup = {
        CacheSubnetGroupName: name,
        CacheSubnetGroupDescription: required(input.CacheSubnetGroupDescription, 'CacheSubnetGroupDescription'),
        VpcId: subnets[0]!.VpcId,
        Subnets: subnets.map((s) => ({ SubnetIdentifier: s.SubnetId, SubnetAvailabilityZone: { Name: s.AvailabilityZone } })),
        ARN: `arn:aws:elasticache:${ctx.region}:${ctx.account}:subnetgroup:${name}`,
      };
      state.subnetGroups.set(name, group);
      state.tags.set(group.ARN!, input.Tags ?? []);
      return { CacheSubnetGroup: group };
    },

    DeleteCacheSubnetGroup: (ctx: CallContext, input: sdk.DeleteCacheSubnetGroupMessage) => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      const name = required(input.CacheSubnetGroupName, 'CacheSubnetGroupName').toLowerCase();
      if (!state.subnetGroups.has(name)) throw new AwsFault('CacheSubnetGroupNotFoundFault', `CacheSubnetGroup ${name} not found.`, 404);
      if ([...state.clusters.values()].some((c) => c.CacheSubnetGroupName === name)) throw new AwsFault('CacheSubnetGroupInUse', `Cache subnet group ${name} is in use.`, 400);
      state.tags.delete(state.subnetGroups.get(name)!.ARN!);
      state.subnetGroups.delete(name);
    },

    CreateReplicationGroup: (ctx: CallContext, input: sdk.CreateReplicationGroupMessage): Out<sdk.CreateReplicationGroupResult> => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      const id = required(input.ReplicationGroupId, 'ReplicationGroupId').toLowerCase();
      if (state.groups.has(id)) throw new AwsFault('ReplicationGroupAlreadyExists', `Replication group ${id} already exists.`, 400);
      const engine = (input.Engine ?? 'redis').toLowerCase();
      if (engine === 'memcached') throw invalidParameter('Replication groups are only supported for the redis and valkey engines.');
      const subnetGroup = checkCommon(ctx, engine, input.CacheNodeType, input.CacheSubnetGroupName);
      const count = input.NumCacheClusters ?? 1;
      if (count < 1 || count > 6) throw invalidParameter('NumCacheClusters must be between 1 and 6.');
      if (input.AutomaticFailoverEnabled && count < 2) throw new AwsFault('InvalidParameterCombination', 'Automatic failover requires at least 2 cache clusters.', 400);
      if (input.AuthToken && !input.TransitEncryptionEnabled) throw new AwsFault('InvalidParameterCombination', 'AuthToken requires TransitEncryptionEnabled.', 400);
      const members = Array.from({ length: count }, (_, i) => `${id}-00${i + 1}`);
      ec2State(ctx.world, ctx.account, ctx.region).use(input.SecurityGroupIds ?? [], `elasticache:${id}`);
      const group: sdk.ReplicationGroup = {
        ReplicationGroupId: id,
        Description: required(input.ReplicationGroupDescription, 'ReplicationGroupDescription'),
        Status: 'creating',
        MemberClusters: members,
        CacheNodeType: input.CacheNodeType,
        Engine: engine,
        AutomaticFailover: input.AutomaticFailoverEnabled ? 'enabled' : 'disabled',
        MultiAZ: input.MultiAZEnabled ? 'enabled' : 'disabled',
        ClusterEnabled: false,
        TransitEncryptionEnabled: input.TransitEncryptionEnabled ?? false,
        AtRestEncryptionEnabled: input.AtRestEncryptionEnabled ?? false,
        AuthTokenEnabled: Boolean(input.AuthToken),
        ARN: `arn:aws:elasticache:${ctx.region}:${ctx.account}:replicationgroup:${id}`,
        NodeGroups: [],
      };
      state.groups.set(id, group);
      state.tags.set(group.ARN!, input.Tags ?? []);
      for (const member of members) {
        state.clusters.set(member, {
          CacheClusterId: member,
          ReplicationGroupId: id,
          CacheNodeType: input.CacheNodeType,
          Engine: engine,
          EngineVersion: input.EngineVersion ?? (engine === 'valkey' ? '8.0' : '7.1'),
          CacheClusterStatus: 'creating',
          NumCacheNodes: 1,
          CacheSubnetGroupName: subnetGroup,
          SecurityGroups: (input.SecurityGroupIds ?? []).map((SecurityGroupId) => ({ SecurityGroupId, Status: 'active' })),
          ARN: `arn:aws:elasticache:${ctx.region}:${ctx.account}:cluster:${member}`,
        });
      }
      schedule(ctx, 420_000, (at) => {
        if (group.Status !== 'creating') return;
        const ep = endpoint(ctx, engine, id);
        const address = { Address: ep.host, Port: ep.port };
        group.Status = 'available';
        group.NodeGroups = [
          {
            NodeGroupId: '0001',
            Status: 'available',
            PrimaryEndpoint: address,
            ReaderEndpoint: address,
            NodeGroupMembers: members.map((m, i) => ({ CacheClusterId: m, CacheNodeId: '0001', ReadEndpoint: address, PreferredAvailabilityZone: `${ctx.region}a`, CurrentRole: i === 0 ? 'primary' : 'replica' })),
          },
        ];
        for (const m of members) {
          const c = state.clusters.get(m)!;
          Object.assign(c, { CacheClusterStatus: 'available', CacheClusterCreateTime: new Date(at), CacheNodes: [{ CacheNodeId: '0001', CacheNodeStatus: 'available', Endpoint: address }] });
        }
      });
      return { ReplicationGroup: group };
    },

    DescribeReplicationGroups: (ctx: CallContext, input: sdk.DescribeReplicationGroupsMessage): Out<sdk.ReplicationGroupMessage> => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      if (input.ReplicationGroupId && !state.groups.has(input.ReplicationGroupId.toLowerCase())) {
        throw new AwsFault('ReplicationGroupNotFoundFault', `ReplicationGroup ${input.ReplicationGroupId} not found.`, 404);
      }
      const all = [...state.groups.values()].filter((g) => !input.ReplicationGroupId || g.ReplicationGroupId === input.ReplicationGroupId.toLowerCase());
      const { page, next } = paginate(all, input.Marker, input.MaxRecords);
      return { ReplicationGroups: page, ...(next ? { Marker: next } : {}) };
    },

    DeleteReplicationGroup: (ctx: CallContext, input: sdk.DeleteReplicationGroupMessage): Out<sdk.DeleteReplicationGroupResult> => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      const id = required(input.ReplicationGroupId, 'ReplicationGroupId').toLowerCase();
      const group = state.groups.get(id);
      if (!group) throw new AwsFault('ReplicationGroupNotFoundFault', `ReplicationGroup ${id} not found.`, 404);
      if (group.Status !== 'available') throw new AwsFault('InvalidReplicationGroupState', `Replication group ${id} is not in available state.`, 400);
      group.Status = 'deleting';
      schedule(ctx, 180_000, () => {
        state.groups.delete(id);
        state.tags.delete(group.ARN!);
        for (const m of group.MemberClusters ?? []) state.clusters.delete(m);
        ec2State(ctx.world, ctx.account, ctx.region).release(`elasticache:${id}`);
      });
      return { ReplicationGroup: group };
    },

    CreateCacheCluster: (ctx: CallContext, input: sdk.CreateCacheClusterMessage): Out<sdk.CreateCacheClusterResult> => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      const id = required(input.CacheClusterId, 'CacheClusterId').toLowerCase();
      if (state.clusters.has(id)) throw new AwsFault('CacheClusterAlreadyExists', `Cache cluster ${id} already exists.`, 400);
      const engine = required(input.Engine, 'Engine').toLowerCase();
      const subnetGroup = checkCommon(ctx, engine, input.CacheNodeType, input.CacheSubnetGroupName);
      const nodes = input.NumCacheNodes ?? 1;
      if (engine !== 'memcached' && nodes !== 1) throw invalidParameter('Cache clusters running redis or valkey have exactly one node.');
      ec2State(ctx.world, ctx.account, ctx.region).use(input.SecurityGroupIds ?? [], `elasticache:${id}`);
      const cluster: sdk.CacheCluster = {
        CacheClusterId: id,
        CacheNodeType: input.CacheNodeType,
        Engine: engine,
        EngineVersion: input.EngineVersion ?? (engine === 'memcached' ? '1.6.22' : engine === 'valkey' ? '8.0' : '7.1'),
        CacheClusterStatus: 'creating',
        NumCacheNodes: nodes,
        CacheSubnetGroupName: subnetGroup,
        SecurityGroups: (input.SecurityGroupIds ?? []).map((SecurityGroupId) => ({ SecurityGroupId, Status: 'active' })),
        ARN: `arn:aws:elasticache:${ctx.region}:${ctx.account}:cluster:${id}`,
      };
      state.clusters.set(id, cluster);
      state.tags.set(cluster.ARN!, input.Tags ?? []);
      schedule(ctx, 420_000, (at) => {
        if (cluster.CacheClusterStatus !== 'creating') return;
        const ep = endpoint(ctx, engine, id);
        const address = { Address: ep.host, Port: ep.port };
        Object.assign(cluster, {
          CacheClusterStatus: 'available',
          CacheClusterCreateTime: new Date(at),
          CacheNodes: Array.from({ length: nodes }, (_, i) => ({ CacheNodeId: `000${i + 1}`, CacheNodeStatus: 'available', Endpoint: address })),
          ...(engine === 'memcached' ? { ConfigurationEndpoint: address } : {}),
        });
      });
      return { CacheCluster: cluster };
    },

    DescribeCacheClusters: (ctx: CallContext, input: sdk.DescribeCacheClustersMessage): Out<sdk.CacheClusterMessage> => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      const id = input.CacheClusterId?.toLowerCase();
      if (id && !state.clusters.has(id)) throw new AwsFault('CacheClusterNotFound', `CacheCluster ${input.CacheClusterId} not found.`, 404);
      const all = [...state.clusters.values()].filter((c) => !id || c.CacheClusterId === id);
      const { page, next } = paginate(all, input.Marker, input.MaxRecords);
      // Node endpoints are only listed when asked for, as on AWS.
      const shown = page.map(({ CacheNodes, ...c }) => (input.ShowCacheNodeInfo ? { ...c, CacheNodes } : c));
      return { CacheClusters: shown, ...(next ? { Marker: next } : {}) };
    },

    DeleteCacheCluster: (ctx: CallContext, input: sdk.DeleteCacheClusterMessage): Out<sdk.DeleteCacheClusterResult> => {
      const state = cacheState(ctx.world, ctx.account, ctx.region);
      const id = required(input.CacheClusterId, 'CacheClusterId').toLowerCase();
      const cluster = state.clusters.get(id);
      if (!cluster) throw new AwsFault('CacheClusterNotFound', `CacheCluster ${id} not found.`, 404);
      if (cluster.ReplicationGroupId) throw new AwsFault('InvalidCacheClusterState', `Cache cluster ${id} is a member of replication group ${cluster.ReplicationGroupId}; delete the group.`, 400);
      if (cluster.CacheClusterStatus !== 'available') throw new AwsFault('InvalidCacheClusterState', `Cache cluster ${id} is not in available state.`, 400);
      cluster.CacheClusterStatus = 'deleting';
      schedule(ctx, 180_000, () => {
        state.clusters.delete(id);
        state.tags.delete(cluster.ARN!);
        ec2State(ctx.world, ctx.account, ctx.region).release(`elasticache:${id}`);
      });
      return { CacheCluster: cluster };
    },

    ListTagsForResource: (ctx: CallContext, input: sdk.ListTagsForResourceMessage): Out<sdk.TagListMessage> => {
      const arn = required(input.ResourceName, 'ResourceName');
      const kind = /^arn:aws:elasticache:[^:]+:\d{12}:(cluster|replicationgroup|subnetgroup):/.exec(arn)?.[1];
      if (!kind) throw new AwsFault('InvalidARN', `${arn} is not a valid ARN.`, 400);
      const tags = cacheState(ctx.world, ctx.account, ctx.region).tags.get(arn);
      if (tags) return { TagList: tags };
      const notFound: Record<string, [string, string]> = { cluster: ['CacheClusterNotFound', 'CacheCluster'], replicationgroup: ['ReplicationGroupNotFoundFault', 'ReplicationGroup'], subnetgroup: ['CacheSubnetGroupNotFoundFault', 'CacheSubnetGroup'] };
      const [code, what] = notFound[kind]!;
      throw new AwsFault(code, `${what} ${arn.split(':').pop()} not found.`, 404);
    },
  },
};
