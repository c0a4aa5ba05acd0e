import * as sdk from '@aws-sdk/client-rds';
import { AwsFault, invalidParameter, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { matchesFilters, mergeTags, paginate, type Tag } from '../util.js';
import type { CallContext, World } from '../world.js';
import { ec2State } from './ec2.js';
import { createManagedSecret } from './secrets-manager.js';
import { quotaValue } from './service-quotas.js';

/** Engine versions on offer (a dated snapshot, 2026-01); the last of each major is its default. */
const ENGINES: Record<string, { description: string; port: number; versions: string[] }> = {
  postgres: { description: 'PostgreSQL', port: 5432, versions: ['13.20', '14.17', '15.12', '16.8', '17.4', '17.5', '18.1'] },
  mysql: { description: 'MySQL Community Edition', port: 3306, versions: ['8.0.41', '8.0.42', '8.4.5', '8.4.6'] },
  mariadb: { description: 'MariaDB Community Edition', port: 3306, versions: ['10.6.21', '10.11.11', '11.4.5', '11.8.3'] },
};

const major = (engine: string, version: string) => {
  const [a = '', b = ''] = version.split('.');
  return engine === 'postgres' ? a : `${a}.${b}`;
};

interface InstanceRecord {
  db: sdk.DBInstance;
  password?: string;
}

export class RdsState {
  instances = new Map<string, InstanceRecord>();
  subnetGroups = new Map<string, sdk.DBSubnetGroup & { tags: Tag[] }>();
  snapshots = new Map<string, sdk.DBSnapshot>();
  events: sdk.Event[] = [];
}

export const rdsState = (world: World, account: string, region: string) => world.scoped('rds', account, region, () => new RdsState());

const SERVICE = 'rds';

function instance(ctx: CallContext, id: string | undefined): InstanceRecord {
  const found = rdsState(ctx.world, ctx.account, ctx.region).instances.get(required(id, 'DBInstanceIdentifier').toLowerCase());
  if (!found) throw new AwsFault('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
  return found;
}

function checkPassword(password: string | undefined, managed: boolean | undefined): void {
  if (managed) return;
  const value = required(password, 'MasterUserPassword', 'InvalidParameterValue');
  if (value.length < 8 || value.length > 128 || /[/"@ ]/.test(value) || /[^\x20-\x7e]/.test(value)) {
    throw invalidParameter("The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.");
  }
}

function engineVersion(engine: string, requested: string | undefined): string {
  const spec = ENGINES[engine];
  if (!spec) throw invalidParameter(`Invalid DB engine: ${engine}`);
  if (!requested) return spec.versions[spec.versions.length - 1]!;
  const exact = spec.versions.find((v) => v === requested);
  const byMajor = [...spec.versions].reverse().find((v) => major(engine, v) === requested);
  const found = exact ?? byMajor;
  if (!found) throw new AwsFault('InvalidParameterCombination', `Cannot find version ${requested} for ${engine}`, 400);
  return found;
}

function schedule(ctx: CallContext, delayMs: number, run: (at: number) => void | Promise<void>): void {
  ctx.world.scheduler.at(ctx.now + ctx.world.delay(SERVICE, delayMs), run);
}

/** An instance event as RDS logs it (RDS-EVENT-xxxx messages, worded as the real service words them). */
function dbEvent(ctx: CallContext, db: sdk.DBInstance, at: number, message: string, category: string): void {
  rdsState(ctx.world, ctx.account, ctx.region).events.push({
    SourceIdentifier: db.DBInstanceIdentifier,
    SourceType: 'db-instance',
    SourceArn: db.DBInstanceArn,
    Message: message,
    EventCategories: [category],
    Date: new Date(at),
  });
}

function automatedSnapshot(ctx: CallContext, db: sdk.DBInstance, at: number, type: 'automated' | 'manual', id?: string): sdk.DBSnapshot {
  const date = new Date(at).toISOString().slice(0, 16).replace(/[-T:]/g, '-');
  return {
    DBSnapshotIdentifier: id ?? `rds:${db.DBInstanceIdentifier}-${date}`,
    DBInstanceIdentifier: db.DBInstanceIdentifier,
    SnapshotCreateTime: new Date(at),
    Engine: db.Engine,
    EngineVersion: db.EngineVersion,
    AllocatedStorage: db.AllocatedStorage,
    Status: 'available',
    Port: db.Endpoint?.Port,
    AvailabilityZone: db.AvailabilityZone,
    VpcId: db.DBSubnetGroup?.VpcId,
    MasterUsername: db.MasterUsername,
    SnapshotType: type,
    Encrypted: db.StorageEncrypted,
    DBSnapshotArn: `arn:aws:rds:${ctx.region}:${ctx.account}:snapshot:${id ?? `rds:${db.DBInstanceIdentifier}-${date}`}`,
  };
}

export const rds: ServiceDef = {
  id: 'rds',
  signingName: 'rds',
  protocol: 'query',
  xmlNamespace: 'http://rds.amazonaws.com/doc/2014-10-31/',
  sdk,
  handlers: {
    CreateDBInstance: (ctx: CallContext, input: sdk.CreateDBInstanceMessage): Out<sdk.CreateDBInstanceResult> => {
      const state = rdsState(ctx.world, ctx.account, ctx.region);
      const id = required(input.DBInstanceIdentifier, 'DBInstanceIdentifier').toLowerCase();
      if (!/^[a-z](?!.*--)[a-z0-9-]{0,62}$/.test(id) || id.endsWith('-')) {
        throw invalidParameter('The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.');
      }
      if (state.instances.has(id)) throw new AwsFault('DBInstanceAlreadyExists', 'DB instance already exists', 400);
      const engine = required(input.Engine, 'Engine');
      const version = engineVersion(engine, input.EngineVersion);
      const cls = required(input.DBInstanceClass, 'DBInstanceClass');
      if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(cls)) throw invalidParameter(`Invalid DB Instance class: ${cls}`);
      const storage = required(input.AllocatedStorage, 'AllocatedStorage');
      if (storage < 20 || storage > 65536) throw invalidParameter(`Invalid storage size for engine name ${engine} and storage type ${input.StorageType ?? 'gp2'}: ${storage}`);
      const user = required(input.MasterUsername, 'MasterUsername');
      if (user.toLowerCase() === 'rdsadmin') throw invalidParameter('MasterUsername rdsadmin cannot be used as it is a reserved word used by the engine');
      checkPassword(input.MasterUserPassword, input.ManageMasterUserPassword);
      const managedPassword = input.ManageMasterUserPassword ? ids.hex(32) : undefined;
      const ec2 = ec2State(ctx.world, ctx.account, ctx.region);
      for (const sg of input.VpcSecurityGroupIds ?? []) if (!ec2.groups.has(sg)) throw invalidParameter(`Invalid security group , groupId= ${sg}, groupName=.`);
      const subnetGroup = input.DBSubnetGroupName ? state.subnetGroups.get(input.DBSubnetGroupName.toLowerCase()) : undefined;
      if (input.DBSubnetGroupName && !subnetGroup) throw new AwsFault('DBSubnetGroupNotFoundFault', `DBSubnetGroup ${input.DBSubnetGroupName} not found.`, 404);
      const limit = quotaValue(ctx.world, ctx.account, ctx.region, 'rds', 'L-7B6409FD') ?? Infinity;
      if (state.instances.size >= limit) throw new AwsFault('InstanceQuotaExceeded', `DB instance quota of ${limit} exceeded.`, 400);
      const vpc = subnetGroup?.VpcId ?? ec2.defaultVpc().VpcId!;
      const groups = input.VpcSecurityGroupIds?.length ? input.VpcSecurityGroupIds : [[...ec2.groups.values()].find((g) => g.group.VpcId === vpc && g.group.GroupName === 'default')!.group.GroupId!];
      ec2.use(groups, `rds:${id}`);
      const db: sdk.DBInstance = {
        DBInstanceIdentifier: id,
        DBInstanceClass: cls,
        Engine: engine,
        EngineVersion: version,
        DBInstanceStatus: 'creating',
        MasterUsername: user,
        DBName: input.DBName,
        AllocatedStorage: storage,
        StorageType: input.StorageType ?? 'gp2',
        PreferredBackupWindow: '03:00-03:30',
        BackupRetentionPeriod: input.BackupRetentionPeriod ?? 1,
        VpcSecurityGroups: groups.map((VpcSecurityGroupId) => ({ VpcSecurityGroupId, Status: 'active' })),
        DBSubnetGroup: subnetGroup ?? { DBSubnetGroupName: 'default', VpcId: vpc, SubnetGroupStatus: 'Complete', Subnets: ec2.subnetsOf(vpc).map((s) => ({ SubnetIdentifier: s.SubnetId, SubnetAvailabilityZone: { Name: s.AvailabilityZone }, SubnetStatus: 'Active' })) },
        MultiAZ: input.MultiAZ ?? false,
        AvailabilityZone: input.AvailabilityZone ?? `${ctx.region}a`,
        PubliclyAccessible: input.PubliclyAccessible ?? false,
        StorageEncrypted: input.StorageEncrypted ?? false,
        DeletionProtection: input.DeletionProtection ?? false,
        DbiResourceId: `db-${ids.upper(26)}`,
        DBInstanceArn: `arn:aws:rds:${ctx.region}:${ctx.account}:db:${id}`,
        TagList: input.Tags ?? [],
        ...(managedPassword
          ? { MasterUserSecret: { SecretArn: createManagedSecret(ctx, `rds!db-${ids.uuid()}`, JSON.stringify({ username: user, password: managedPassword })), SecretStatus: 'creating' } }
          : {}),
      };
      const record: InstanceRecord = { db, ...(input.MasterUserPassword || managedPassword ? { password: input.MasterUserPassword ?? managedPassword } : {}) };
      state.instances.set(id, record);
      dbEvent(ctx, db, ctx.now, 'DB instance created', 'creation');
      schedule(ctx, 600_000, (at) => {
        if (db.DBInstanceStatus !== 'creating') return;
        dbEvent(ctx, db, at, 'Backing up DB instance', 'backup');
        const backend = ctx.world.backends.rds[engine];
        db.DBInstanceStatus = 'backing-up';
        db.InstanceCreateTime = new Date(at);
        db.Endpoint = backend
          ? { Address: backend.host, Port: backend.port, HostedZoneId: 'Z2R2ITUGPM61AM' }
          : { Address: `${id}.c${ids.lower(11)}.${ctx.region}.rds.amazonaws.com`, Port: input.Port ?? ENGINES[engine]!.port, HostedZoneId: 'Z2R2ITUGPM61AM' };
        state.snapshots.set(`auto:${id}`, automatedSnapshot(ctx, db, at, 'automated'));
      });
      schedule(ctx, 720_000, async (at) => {
        if (db.DBInstanceStatus !== 'backing-up') return;
        const backend = ctx.world.backends.rds[engine];
        try {
          await backend?.provision?.({ identifier: id, engine, masterUsername: user, masterPassword: record.password, dbName: input.DBName });
          db.DBInstanceStatus = 'available';
          if (db.MasterUserSecret) db.MasterUserSecret.SecretStatus = 'active';
          dbEvent(ctx, db, at, 'Finished DB Instance backup', 'backup');
        } catch {
          db.DBInstanceStatus = 'failed';
          dbEvent(ctx, db, at, 'DB instance failed to be created', 'failure');
        }
      });
      return { DBInstance: db };
    },

    DescribeDBInstances: (ctx: CallContext, input: sdk.DescribeDBInstancesMessage): Out<sdk.DBInstanceMessage> => {
      const all = input.DBInstanceIdentifier
        ? [instance(ctx, input.DBInstanceIdentifier)]
        : [...rdsState(ctx.world, ctx.account, ctx.region).instances.values()].filter((r) =>
            matchesFilters(r, input.Filters, { 'db-instance-id': (x) => [x.db.DBInstanceIdentifier!, x.db.DBInstanceArn!], engine: (x) => x.db.Engine }),
          );
      const { page, next } = paginate(all, input.Marker, input.MaxRecords);
      return { DBInstances: page.map((r) => r.db), ...(next ? { Marker: next } : {}) };
    },

    DeleteDBInstance: (ctx: CallContext, input: sdk.DeleteDBInstanceMessage): Out<sdk.DeleteDBInstanceResult> => {
      const state = rdsState(ctx.world, ctx.account, ctx.region);
      const record = instance(ctx, input.DBInstanceIdentifier);
      const db = record.db;
      if (db.DeletionProtection) throw new AwsFault('InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.', 400);
      if (!input.SkipFinalSnapshot && !input.FinalDBSnapshotIdentifier) {
        throw new AwsFault('InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.', 400);
      }
      if (db.DBInstanceStatus === 'deleting') throw new AwsFault('InvalidDBInstanceState', `Instance ${db.DBInstanceIdentifier} is already being deleted.`, 400);
      if (input.FinalDBSnapshotIdentifier && db.DBInstanceStatus !== 'available') {
        throw new AwsFault('InvalidDBInstanceState', `Instance ${db.DBInstanceIdentifier} is currently ${db.DBInstanceStatus} - a final snapshot cannot be taken.`, 400);
      }
      if (input.FinalDBSnapshotIdentifier && state.snapshots.has(input.FinalDBSnapshotIdentifier)) throw new AwsFault('DBSnapshotAlreadyExists', `Cannot create the snapshot because a snapshot with the identifier ${input.FinalDBSnapshotIdentifier} already exists.`, 400);
      db.DBInstanceStatus = 'deleting';
      if (input.FinalDBSnapshotIdentifier) dbEvent(ctx, db, ctx.now, 'Creating final DB snapshot', 'backup');
      schedule(ctx, 300_000, (at) => {
        dbEvent(ctx, db, at, 'DB instance deleted', 'deletion');
        if (input.FinalDBSnapshotIdentifier) state.snapshots.set(input.FinalDBSnapshotIdentifier, automatedSnapshot(ctx, db, at, 'manual', input.FinalDBSnapshotIdentifier));
        if (input.DeleteAutomatedBackups ?? true) state.snapshots.delete(`auto:${db.DBInstanceIdentifier}`);
        state.instances.delete(db.DBInstanceIdentifier!);
        ec2State(ctx.world, ctx.account, ctx.region).release(`rds:${db.DBInstanceIdentifier}`);
      });
      return { DBInstance: db };
    },

    ModifyDBInstance: (ctx: CallContext, input: sdk.ModifyDBInstanceMessage): Out<sdk.ModifyDBInstanceResult> => {
      const { db } = instance(ctx, input.DBInstanceIdentifier);
      if (db.DBInstanceStatus === 'deleting') throw new AwsFault('InvalidDBInstanceState', `Instance ${db.DBInstanceIdentifier} is not available for modification.`, 400);
      // The double applies every change at once, as ApplyImmediately does.
      if (input.DeletionProtection !== undefined) db.DeletionProtection = input.DeletionProtection;
      if (input.PubliclyAccessible !== undefined) db.PubliclyAccessible = input.PubliclyAccessible;
      if (input.BackupRetentionPeriod !== undefined) db.BackupRetentionPeriod = input.BackupRetentionPeriod;
      if (input.DBInstanceClass !== undefined) db.DBInstanceClass = input.DBInstanceClass;
      return { DBInstance: db };
    },

    DescribeDBEngineVersions: (_ctx: CallContext, input: sdk.DescribeDBEngineVersionsMessage): Out<sdk.DBEngineVersionMessage> => {
      const all = Object.entries(ENGINES)
        .filter(([engine]) => !input.Engine || input.Engine === engine)
        .flatMap(([engine, spec]) =>
          spec.versions
            .filter((v) => !input.EngineVersion || v === input.EngineVersion || major(engine, v) === input.EngineVersion)
            .filter((v) => !input.DefaultOnly || spec.versions.filter((x) => major(engine, x) === major(engine, v)).pop() === v)
            .map((v) => ({
              Engine: engine,
              EngineVersion: v,
              MajorEngineVersion: major(engine, v),
              DBParameterGroupFamily: `${engine}${major(engine, v)}`,
              DBEngineDescription: spec.description,
              DBEngineVersionDescription: `${spec.description.split(' ')[0]} ${v}`,
              Status: 'available',
              ValidUpgradeTarget: [],
            })),
        );
      const { page, next } = paginate(all, input.Marker, input.MaxRecords);
      return { DBEngineVersions: page, ...(next ? { Marker: next } : {}) };
    },

    CreateDBSubnetGroup: (ctx: CallContext, input: sdk.CreateDBSubnetGroupMessage): Out<sdk.CreateDBSubnetGroupResult> => {
      const state = rdsState(ctx.world, ctx.account, ctx.region);
      const name = required(input.DBSubnetGroupName, 'DBSubnetGroupName').toLowerCase();
      if (state.subnetGroups.has(name)) throw new AwsFault('DBSubnetGroupAlreadyExists', `The DB subnet group '${name}' already exists.`, 400);
      const ec2 = ec2State(ctx.world, ctx.account, ctx.region);
      const subnets = required(input.SubnetIds, 'SubnetIds').map((id) => {
        const s = ec2.subnets.get(id)?.subnet;
        if (!s) throw new AwsFault('InvalidSubnet', `Some input subnets in :[${id}] are invalid.`, 400);
        return s;
      });
      if (new Set(subnets.map((s) => s.VpcId)).size > 1) throw new AwsFault('InvalidSubnet', 'Subnets must all be in the same VPC.', 400);
      if (new Set(subnets.map((s) => s.AvailabilityZone)).size < 2) {
        throw new AwsFault('DBSubnetGroupDoesNotCoverEnoughAZs', 'The DB subnet group doesn\'t meet Availability Zone (AZ) coverage requirement. Current AZ coverage: 1. Add subnets to cover at least 2 AZs.', 400);
      }
      const group = {
        DBSubnetGroupName: name,
        DBSubnetGroupDescription: required(input.DBSubnetGroupDescription, 'DBSubnetGroupDescription'),
        VpcId: subnets[0]!.VpcId,
        SubnetGroupStatus: 'Complete',
        Subnets: subnets.map((s) => ({ SubnetIdentifier: s.SubnetId, SubnetAvailabilityZone: { Name: s.AvailabilityZone }, SubnetStatus: 'Active' })),
        DBSubnetGroupArn: `arn:aws:rds:${ctx.region}:${ctx.account}:subgrp:${name}`,
        tags: input.Tags ?? [],
      };
      state.subnetGroups.set(name, group);
      const { tags: _tags, ...visible } = group;
      return { DBSubnetGroup: visible };
    },

    DeleteDBSubnetGroup: (ctx: CallContext, input: sdk.DeleteDBSubnetGroupMessage) => {
      const state = rdsState(ctx.world, ctx.account, ctx.region);
      const name = required(input.DBSubnetGroupName, 'DBSubnetGroupName').toLowerCase();
      if (!state.subnetGroups.has(name)) throw new AwsFault('DBSubnetGroupNotFoundFault', `DBSubnetGroup ${name} not found.`, 404);
      if ([...state.instances.values()].some((r) => r.db.DBSubnetGroup?.DBSubnetGroupName === name)) {
        throw new AwsFault('InvalidDBSubnetGroupStateFault', `Cannot delete the subnet group '${name}' because at least one database instance is still using it.`, 400);
      }
      state.subnetGroups.delete(name);
    },

    AddTagsToResource: (ctx: CallContext, input: sdk.AddTagsToResourceMessage) => {
      const arn = required(input.ResourceName, 'ResourceName');
      const state = rdsState(ctx.world, ctx.account, ctx.region);
      const db = [...state.instances.values()].find((r) => r.db.DBInstanceArn === arn)?.db;
      const group = [...state.subnetGroups.values()].find((g) => g.DBSubnetGroupArn === arn);
      if (db) db.TagList = mergeTags(db.TagList ?? [], input.Tags);
      else if (group) group.tags = mergeTags(group.tags, input.Tags);
      else throw new AwsFault('DBInstanceNotFound', `Resource ${arn} not found.`, 404);
    },

    DescribeDBSnapshots: (ctx: CallContext, input: sdk.DescribeDBSnapshotsMessage): Out<sdk.DBSnapshotMessage> => {
      const all = [...rdsState(ctx.world, ctx.account, ctx.region).snapshots.values()].filter(
        (s) =>
          (!input.DBInstanceIdentifier || s.DBInstanceIdentifier === input.DBInstanceIdentifier) &&
          (!input.DBSnapshotIdentifier || s.DBSnapshotIdentifier === input.DBSnapshotIdentifier) &&
          (!input.SnapshotType || s.SnapshotType === input.SnapshotType),
      );
      if (input.DBSnapshotIdentifier && all.length === 0) throw new AwsFault('DBSnapshotNotFound', `DBSnapshot ${input.DBSnapshotIdentifier} not found.`, 404);
      const { page, next } = paginate(all, input.Marker, input.MaxRecords);
      return { DBSnapshots: page, ...(next ? { Marker: next } : {}) };
    },

    // Oldest first, within the last `Duration` minutes (60 by default) unless a StartTime is given, as RDS does.
    DescribeEvents: (ctx: CallContext, input: sdk.DescribeEventsMessage): Out<sdk.EventsMessage> => {
      const start = input.StartTime?.getTime() ?? ctx.now - (input.Duration ?? 60) * 60_000;
      const all = rdsState(ctx.world, ctx.account, ctx.region).events.filter(
        (e) =>
          (!input.SourceIdentifier || e.SourceIdentifier === input.SourceIdentifier) &&
          (!input.SourceType || e.SourceType === input.SourceType) &&
          (!input.EventCategories?.length || e.EventCategories!.some((c) => input.EventCategories!.includes(c))) &&
          e.Date!.getTime() >= start &&
          (!input.EndTime || e.Date! <= input.EndTime),
      );
      const { page, next } = paginate(all, input.Marker, input.MaxRecords);
      return { Events: page, ...(next ? { Marker: next } : {}) };
    },
  },
};
