import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeEnvironmentsCommand, DescribeEventsCommand } from '@aws-sdk/client-elastic-beanstalk';
import { CreateReplicationGroupCommand, DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { startPostgres, startRedis, type PostgresService, type RunningService } from '../../support/services.js';
import { createEnvironment, prepareEb } from './eb-setup.js';

const SECOND = 1000;

describe('resource lifecycles on the double\'s clock', () => {
  let s: DoubleSession;
  let postgres: PostgresService;
  let redis: RunningService;

  beforeAll(async () => {
    // The clock stands still (speed 0): only `advance` moves it, so every state is observed.
    s = await startDoubleSession({ speed: 0, migrationId: 'mig-lifecycle' });
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    await prepareEb(s.clients);
  });

  afterAll(async () => {
    await s?.close();
    await Promise.all([postgres?.stop(), redis?.stop()]);
  });

  const advance = async (ms: number) => {
    s.double.clock.advance(ms);
    await s.double.settle();
  };

  it('an EB environment goes Launching → Ready, logs its events, and is green once its app answers', async () => {
    const eb = s.clients.elasticbeanstalk;
    const describe = async () => (await eb.send(new DescribeEnvironmentsCommand({ EnvironmentNames: ['life'] }))).Environments![0]!;
    expect(await createEnvironment(s.clients, 'life')).toMatchObject({ Status: 'Launching', Health: 'Grey' });
    await advance(100 * SECOND);
    expect(await describe()).toMatchObject({ Status: 'Launching', Health: 'Grey' });
    await advance(200 * SECOND);
    expect(await describe()).toMatchObject({ Status: 'Ready', Health: 'Red' });
    s.double.backends.apps.set('life', { host: '127.0.0.1', port: redis.port });
    expect(await describe()).toMatchObject({ Status: 'Ready', Health: 'Green' });
    const events = (await eb.send(new DescribeEventsCommand({ EnvironmentName: 'life' }))).Events!;
    expect(events.map((e) => e.Message!.replace(/named: \S+/, 'named: X').replace(/ at \S+\.$/, ' at CNAME.'))).toEqual([
      'Successfully launched environment: life',
      'Application available at CNAME.',
      'Instance deployment completed successfully.',
      'Created Auto Scaling group named: X',
      'Created load balancer named: X',
      'Created security group named: X',
      'Created security group named: X',
      expect.stringMatching(/^Using elasticbeanstalk-us-east-1-\d+ as Amazon S3 storage bucket/),
      'createEnvironment is starting.',
    ]);
    const times = events.map((e) => e.EventDate!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('RDS goes creating → backing-up → available, its endpoint is the local PostgreSQL, and data copies for real', async () => {
    s.double.backends.rds.postgres = {
      host: postgres.host,
      port: postgres.port,
      async provision({ masterUsername, masterPassword, dbName }) {
        await postgres.query(`CREATE ROLE "${masterUsername}" LOGIN PASSWORD '${masterPassword}'`);
        await postgres.query(`CREATE DATABASE "${dbName}" OWNER "${masterUsername}"`);
      },
    };
    const rds = s.clients.rds;
    const status = async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'appdb' }))).DBInstances![0]!;
    const password = 'Lifecycle-pass-123';
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'appdb', Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: password, DBName: 'app' }));
    expect(await status()).toMatchObject({ DBInstanceStatus: 'creating' });
    expect((await status()).Endpoint).toBeUndefined();
    await advance(600 * SECOND);
    expect(await status()).toMatchObject({ DBInstanceStatus: 'backing-up', Endpoint: { Address: '127.0.0.1', Port: postgres.port } });
    await advance(120 * SECOND);
    const db = await status();
    expect(db.DBInstanceStatus).toBe('available');

    // The box's data (a database on the same local server stands in for it) copied into "RDS".
    await postgres.query('CREATE DATABASE box');
    await postgres.query("CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 500) g", 'box');
    const source = (await postgres.query('SELECT id, name FROM users ORDER BY id', 'box')).rows as { id: number; name: string }[];
    const target = new pg.Client({ host: db.Endpoint!.Address, port: db.Endpoint!.Port, user: 'app', password, database: 'app' });
    await target.connect();
    try {
      await target.query('CREATE TABLE users (id int PRIMARY KEY, name text)');
      await target.query('INSERT INTO users SELECT * FROM unnest($1::int[], $2::text[])', [source.map((r) => r.id), source.map((r) => r.name)]);
      const copied = await target.query("SELECT count(*)::int AS n, md5(string_agg(id || ':' || name, ',' ORDER BY id)) AS sum FROM users");
      const original = await postgres.query("SELECT md5(string_agg(id || ':' || name, ',' ORDER BY id)) AS sum FROM users", 'box');
      expect(copied.rows[0]).toEqual({ n: 500, sum: original.rows[0].sum });
    } finally {
      await target.end();
    }
  });

  it('ElastiCache goes creating → available at the local Redis', async () => {
    s.double.backends.cache.redis = { host: redis.host, port: redis.port };
    const cache = s.clients.elasticache;
    const group = async () => (await cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'sessions' }))).ReplicationGroups![0]!;
    await cache.send(new CreateReplicationGroupCommand({ ReplicationGroupId: 'sessions', ReplicationGroupDescription: 'socket.io adapter', Engine: 'redis', CacheNodeType: 'cache.t4g.micro' }));
    expect(await group()).toMatchObject({ Status: 'creating', NodeGroups: [] });
    await advance(420 * SECOND);
    const ready = await group();
    expect(ready.Status).toBe('available');
    const endpoint = ready.NodeGroups![0]!.PrimaryEndpoint!;
    const client = new Redis({ host: endpoint.Address, port: endpoint.Port, lazyConnect: true });
    await client.connect();
    try {
      await client.set('skylift', 'moved');
      expect(await client.get('skylift')).toBe('moved');
    } finally {
      client.disconnect();
    }
  });

  it('an ACM certificate stays pending until its validation record exists in Route 53, then is issued', async () => {
    const setup = new Route53Client({ region: 'us-east-1', endpoint: s.double.endpoint, credentials: s.user });
    const zone = (await setup.send(new CreateHostedZoneCommand({ Name: 'life.example', CallerReference: 'life' }))).HostedZone!;
    setup.destroy();
    const acm = s.clients.acm;
    const { CertificateArn } = await acm.send(new RequestCertificateCommand({ DomainName: 'www.life.example', ValidationMethod: 'DNS' }));
    const cert = async () => (await acm.send(new DescribeCertificateCommand({ CertificateArn }))).Certificate!;
    expect((await cert()).DomainValidationOptions![0]!.ResourceRecord).toBeUndefined();
    await advance(5 * SECOND);
    const record = (await cert()).DomainValidationOptions![0]!.ResourceRecord!;
    expect(record).toMatchObject({ Type: 'CNAME', Name: expect.stringMatching(/^_[0-9a-f]{32}\.www\.life\.example\.$/) });
    await advance(3600 * SECOND);
    expect((await cert()).Status).toBe('PENDING_VALIDATION');
    await s.clients.route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.Id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: record.Name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: record.Value }] } }] } }),
    );
    await advance(30 * SECOND);
    expect((await cert()).Status).toBe('PENDING_VALIDATION');
    await advance(60 * SECOND);
    expect(await cert()).toMatchObject({ Status: 'ISSUED', DomainValidationOptions: [{ ValidationStatus: 'SUCCESS' }] });
  });
});
