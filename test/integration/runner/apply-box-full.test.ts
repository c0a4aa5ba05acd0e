/**
 * The full plan of the live test box — PostgreSQL, MariaDB, Redis, memcached and the PM2
 * Socket.IO app, its domain in a Route 53 zone of the AWS double — applied to the end (DNS
 * switched after one old TTL), checked resource by resource, then rolled back after writes
 * landed on AWS: those writes are copied back to the box, DNS points at the box again, and only
 * the RDS final snapshots remain.
 */
import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeReplicationGroupsCommand, DescribeCacheClustersCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeConfigurationSettingsCommand, DescribeEnvironmentResourcesCommand, DescribeEnvironmentsCommand, ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { DescribeListenersCommand, DescribeLoadBalancerAttributesCommand, DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inventory } from '../../../shared/schema/inventory.js';
import type { Action, Plan } from '../../../shared/schema/plan.js';
import { startAwsDouble, type AwsDouble, type DoubleCredentials } from '../../support/aws-double/index.js';
import { freePort } from '../../support/free-port.js';
import { connectOnce, startMariadb, startPostgres, startRedis, tcpRequest, type MariadbService, type PostgresService, type RunningService } from '../../support/services.js';
import { authorizeKey, makeUserKey, startSshd, tempDir, type TestSshd } from '../../support/sshd.js';
import { startTestBox, type TestBox } from '../../support/test-box.js';
import { cliEnv, skylift, startResolvingProxy, type CliRun } from './cli.js';
import { filesUnder } from './fixtures.js';

const isRoot = process.getuid?.() === 0;
const SPEED = 2000;
const BOX_IP = '203.0.113.5';
/** The box's record TTL: the switch waits one of it after lowering it. */
const TTL = 300;
/** Budgets and waits scaled to the double's clock, with room for a busy machine (SSH reads of secrets take seconds). */
const TIME_SCALE = String(80 / SPEED);
const BACKUPS = '/root/skylift-backups/full';
const REPO = resolve(import.meta.dirname, '../../..');
const PM2 = join(REPO, 'node_modules/.bin/pm2');

/** The box app's code running as the environment's instance would. */
async function startDeployedApp(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO, 'test/fixtures/box-app/server.cjs')], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await connectOnce(port).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  return { port, stop: async () => void child.kill() };
}

type Aws = Extract<Action, { kind: 'aws' }>;
type Setting = { Namespace: string; OptionName: string; Value: unknown };

/** A loopback relay standing in for the SSM port-forwarding session the plan has the user open: `port` → the double's backend. */
async function relay(port: number, to: number): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(to, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return server;
}

const ids = (rows: { id: number | string }[]) => rows.map((r) => Number(r.id)).sort((a, b) => a - b);

describe.skipIf(!isRoot)('the full plan of the test box, applied and rolled back', () => {
  let box: TestBox;
  let sshd: TestSshd;
  let double: AwsDouble;
  let user: DoubleCredentials;
  let rdsPg: PostgresService;
  let rdsMaria: MariadbService;
  let cache: RunningService;
  /** The app as deployed on AWS (the box's code, its own process: the switch stops the box's). */
  let deployed: { port: number; stop(): Promise<void> };
  let proxy: Awaited<ReturnType<typeof startResolvingProxy>>;
  const relays: Server[] = [];
  let home: string;
  let env: NodeJS.ProcessEnv;
  let ssh: string[];
  let plan: Plan;
  let applied: CliRun;
  let domain: string;
  let zoneId: string;
  const masterPasswords: string[] = [];
  const outputs: string[] = [];
  let clients: { eb: ElasticBeanstalkClient; elbv2: ElasticLoadBalancingV2Client; rds: RDSClient; cache: ElastiCacheClient; route53: Route53Client; ssm: SSMClient; ec2: EC2Client; iam: IAMClient; acm: ACMClient };

  const calls = (operation: string): Aws[] => plan.steps.flatMap((s) => s.actions).filter((a): a is Aws => a.kind === 'aws' && a.operation === operation);
  const records = async () => ((await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? []).filter((r) => r.Name === `${domain}.`);

  beforeAll(async () => {
    // The box has no route to the internet: checkip.amazonaws.com's answer (the box's public address) comes from a curl in front of the real one.
    const bin = await tempDir('skylift-full-bin-');
    await writeFile(join(bin, 'curl'), `#!/bin/sh\ncase "$*" in *https://checkip.amazonaws.com*) echo ${BOX_IP}; exit 0;; esac\nexec /usr/bin/curl "$@"\n`, { mode: 0o755 });
    [box, sshd, home, double, rdsPg, rdsMaria, cache, deployed] = await Promise.all([
      startTestBox(),
      startSshd({ extraConfig: [`SetEnv PATH=${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`] }),
      tempDir('skylift-full-home-'),
      startAwsDouble({ speed: SPEED }),
      startPostgres({ tls: true }),
      startMariadb({ tls: true }),
      startRedis(),
      startDeployedApp(),
    ]);
    // PM2 as a global install finds it: on PATH, with the box app's PM2_HOME.
    await writeFile(join(bin, 'pm2'), `#!/bin/sh\nPM2_HOME=${box.pm2App.pm2Home} exec ${PM2} "$@"\n`, { mode: 0o755 });
    await rm(BACKUPS, { recursive: true, force: true });
    await box.pg.query("create table orders (id int primary key, note text); insert into orders select g, 'box ' || g from generate_series(1, 50) g", 'shop');
    user = double.createUser();
    const credentials = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    const config = { region: 'us-east-1', endpoint: double.endpoint, credentials };
    clients = { eb: new ElasticBeanstalkClient(config), elbv2: new ElasticLoadBalancingV2Client(config), rds: new RDSClient(config), cache: new ElastiCacheClient(config), route53: new Route53Client(config), ssm: new SSMClient(config), ec2: new EC2Client(config), iam: new IAMClient(config), acm: new ACMClient(config) };
    double.backends.rds.postgres = {
      host: '127.0.0.1',
      port: rdsPg.port,
      async provision({ masterUsername, masterPassword }) {
        masterPasswords.push(masterPassword ?? '');
        await rdsPg.query(`create role ${masterUsername} login password '${masterPassword}' createdb createrole`);
      },
    };
    double.backends.rds.mariadb = {
      host: '127.0.0.1',
      port: rdsMaria.port,
      async provision({ masterUsername, masterPassword }) {
        masterPasswords.push(masterPassword ?? '');
        await rdsMaria.sql(`create user '${masterUsername}'@'%' identified by '${masterPassword}'; grant all on *.* to '${masterUsername}'@'%' with grant option;`);
      },
    };
    double.backends.cache.valkey = { host: '127.0.0.1', port: cache.port };
    proxy = await startResolvingProxy(double, '127.0.0.1');
    // Trusted as public CAs would be: the double's (the environment's HTTPS listener serves the ACM names) and the box's own certificates.
    const cas = join(home, 'trusted-cas.pem');
    await writeFile(cas, (await Promise.all([double.caFile(), box.cert, box.letsEncrypt.cert].map((f) => readFile(f, 'utf8')))).join('\n'));
    env = { ...cliEnv(home, user, proxy.url), NODE_EXTRA_CA_CERTS: cas };
    domain = box.letsEncrypt.domain;
    const zone = await clients.route53.send(new CreateHostedZoneCommand({ Name: domain.split('.').slice(-2).join('.'), CallerReference: 'full' }));
    zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
    await clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: domain, Type: 'A', TTL, ResourceRecords: [{ Value: BOX_IP }] } }] } }));

    const key = await makeUserKey(home, { type: 'ed25519', name: 'operator' });
    await authorizeKey(sshd, 'root', key.publicKey);
    ssh = ['-i', key.path, '--accept-new'];
    const inv = await skylift(['inventory', `root@127.0.0.1:${sshd.port}`, ...ssh, '--json', '-o', join(home, 'inventory.json')], env);
    expect(inv.code, inv.stderr).toBe(0);
    const full = Inventory.parse(JSON.parse(await readFile(join(home, 'inventory.json'), 'utf8')));
    const app = full.apps.find((a) => a.dir === box.pm2App.dir)!;
    // The machine is the box: only the test box's own services, not the double's backends or other tests' servers.
    const only: Inventory = {
      ...full,
      apps: [app],
      databases: { postgres: full.databases.postgres.filter((s) => s.port === box.pg.port), mysql: full.databases.mysql.filter((s) => s.port === box.maria.port) },
      caches: { redis: full.caches.redis.filter((s) => s.port === box.redis.port), memcached: full.caches.memcached.filter((s) => s.port === box.memcached.port) },
      webServers: { ...full.webServers, nginx: full.webServers.nginx && { ...full.webServers.nginx, configFile: box.nginx.configFile, servers: full.webServers.nginx.servers.filter((s) => s.file === box.nginx.configFile) } },
      cron: [],
    };
    await writeFile(join(home, 'box.json'), JSON.stringify(only));
    const answers = { 'migration.name': 'full', 'dns.domains': [domain], 'dns.provider': 'route53', 'dns.currentTtlSeconds': TTL, [`app.${app.name}.dir.uploads`]: 'ephemeral', [`app.${app.name}.minInstances`]: 1 };
    await writeFile(join(home, 'answers.json'), JSON.stringify(answers));
    const planDir = join(home, 'plan');
    const planned = await skylift(['plan', '--inventory', join(home, 'box.json'), '--answers', join(home, 'answers.json'), '-o', planDir], env);
    expect(planned.code, planned.stderr).toBe(0);
    outputs.push(planned.stdout, planned.stderr);
    plan = JSON.parse(await readFile(join(planDir, 'plan.json'), 'utf8')) as Plan;
    double.backends.apps.set(String(calls('CreateEnvironment')[0]!.params.EnvironmentName), { host: '127.0.0.1', port: deployed.port });
    // Copies that go through a local port (the relay the plan's copy path opens) reach the double's backends.
    const backend: Record<string, number> = { postgres: rdsPg.port, mariadb: rdsMaria.port, redis: cache.port };
    const local = new Map<number, number>();
    for (const a of plan.steps.flatMap((s) => [...s.actions, ...(s.undo.kind === 'actions' ? s.undo.actions : [])])) {
      if (a.kind !== 'data-copy') continue;
      for (const end of [a.source, a.target] as Record<string, unknown>[]) {
        if (end.endpoint === '127.0.0.1' && typeof end.port === 'number' && backend[a.engine]) local.set(end.port, backend[a.engine]!);
      }
    }
    for (const [port, to] of local) relays.push(await relay(port, to));

    // Up to the switch: the watch phase soaks for a day, and decommissioning the box cannot be rolled back.
    applied = await skylift(['apply', join(planDir, 'plan.json'), '--until', 'switch-dns', '--yes', '--json', '--endpoint-url', double.endpoint, '--time-scale', TIME_SCALE, ...ssh], env);
    outputs.push(applied.stdout, applied.stderr);
  }, 900_000);

  afterAll(async () => {
    for (const r of relays) await new Promise((resolve) => r.close(resolve));
    await proxy?.close();
    for (const c of Object.values(clients ?? {})) c.destroy();
    await Promise.all([box?.stop(), sshd?.stop(), double?.close(), rdsPg?.stop(), rdsMaria?.stop(), cache?.stop(), deployed?.stop()]);
    await rm(BACKUPS, { recursive: true, force: true });
  });

  it('applies every step up to the DNS switch, the switch after one old TTL', () => {
    expect(applied.code, applied.stderr.slice(-3000)).toBe(0);
    const events = applied.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; step?: string; status?: string });
    const order = events.filter((e) => e.type === 'step' && e.status === 'done').map((e) => e.step);
    const upToSwitch = plan.phases.slice(0, plan.phases.indexOf('switch-dns') + 1);
    expect(plan.steps.filter((s) => upToSwitch.includes(s.phase) && !order.includes(s.id)).map((s) => s.id)).toEqual([]);
    expect(order.indexOf('switch-dns')).toBeGreaterThan(order.indexOf('prepare-wait-ttl'));
  });

  it('creates every resource with the plan\'s settings and the migration tag', async () => {
    const tag = { Key: 'skylift:migration', Value: 'full' };
    for (const create of calls('CreateDBInstance')) {
      const db = (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: String(create.params.DBInstanceIdentifier) }))).DBInstances![0]!;
      expect(db.EngineVersion?.startsWith(`${String(create.params.EngineVersion)}.`)).toBe(true);
      expect({ engine: db.Engine, class: db.DBInstanceClass, storage: db.StorageType }).toEqual({ engine: create.params.Engine, class: create.params.DBInstanceClass, storage: create.params.StorageType });
      expect(db.TagList).toContainEqual(tag);
    }
    for (const create of calls('CreateReplicationGroup')) {
      const group = (await clients.cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: String(create.params.ReplicationGroupId) }))).ReplicationGroups![0]!;
      expect({ node: group.CacheNodeType, engine: group.Engine }).toEqual({ node: create.params.CacheNodeType, engine: create.params.Engine });
    }
    for (const create of calls('CreateCacheCluster')) {
      const cluster = (await clients.cache.send(new DescribeCacheClustersCommand({ CacheClusterId: String(create.params.CacheClusterId) }))).CacheClusters![0]!;
      expect({ node: cluster.CacheNodeType, engine: cluster.Engine, version: cluster.EngineVersion }).toEqual({ node: create.params.CacheNodeType, engine: create.params.Engine, version: create.params.EngineVersion });
    }
    const create = calls('CreateEnvironment')[0]!;
    const name = String(create.params.EnvironmentName);
    const wanted = (create.params.OptionSettings as Setting[]).filter((o) => typeof o.Value === 'string' && !o.Namespace.startsWith('aws:elasticbeanstalk:application:environment'));
    const settings = (await clients.eb.send(new DescribeConfigurationSettingsCommand({ ApplicationName: String(create.params.ApplicationName), EnvironmentName: name }))).ConfigurationSettings![0]!.OptionSettings!;
    for (const o of wanted) expect(settings, `${o.Namespace} ${o.OptionName}`).toContainEqual(expect.objectContaining({ Namespace: o.Namespace, OptionName: o.OptionName, Value: o.Value }));
    const want = (ns: string, option: string) => wanted.find((o) => o.Namespace === ns && o.OptionName === option)?.Value;

    const resources = (await clients.eb.send(new DescribeEnvironmentResourcesCommand({ EnvironmentName: name }))).EnvironmentResources!;
    const lbArn = resources.LoadBalancers![0]!.Name!;
    const listeners = (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners!;
    const protocols = wanted.filter((o) => /^aws:elbv2:listener:\d+$/.test(o.Namespace) && o.OptionName === 'Protocol').map((o) => [Number(o.Namespace.split(':').pop()), o.Value]);
    expect(protocols.length).toBeGreaterThan(0);
    for (const [port, protocol] of protocols) expect(listeners).toContainEqual(expect.objectContaining({ Port: port, Protocol: protocol }));
    const lbAttributes = (await clients.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lbArn }))).Attributes!;
    expect(lbAttributes).toContainEqual({ Key: 'idle_timeout.timeout_seconds', Value: want('aws:elbv2:loadbalancer', 'IdleTimeout') });
    const group = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }))).TargetGroups![0]!;
    const groupAttributes = (await clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn! }))).Attributes!;
    expect(groupAttributes).toContainEqual({ Key: 'stickiness.enabled', Value: want('aws:elasticbeanstalk:environment:process:default', 'StickinessEnabled') ?? 'false' });
    const environment = (await clients.eb.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [name] }))).Environments![0]!;
    expect({ status: environment.Status, health: environment.Health }).toEqual({ status: 'Ready', health: 'Green' });
    expect(environment.VersionLabel).toMatch(/^skylift-/);
  });

  it('serves the app through the load balancer, and DNS points at the environment', async () => {
    const environment = (await clients.eb.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [String(calls('CreateEnvironment')[0]!.params.EnvironmentName)] }))).Environments![0]!;
    const status = await new Promise<number>((resolve, reject) => get({ host: environment.CNAME, port: 80, path: '/', agent: double.agent() }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject));
    expect(status).toBeLessThan(500);
    expect(await records()).toEqual([expect.objectContaining({ Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: environment.CNAME }] })]);
  });

  it('copies the data: the box\'s rows are in RDS, its keys in ElastiCache', async () => {
    expect(ids((await rdsPg.query('select id from orders', 'shop')).rows)).toEqual(ids((await box.pg.query('select id from orders', 'shop')).rows));
    expect(await rdsMaria.sql('select id, total from shop.orders order by id')).toBe(await box.maria.sql('select id, total from shop.orders order by id'));
    expect(await tcpRequest(cache.port, 'GET a\r\nSELECT 2\r\nGET c\r\nQUIT\r\n')).toMatch(/^\$1\r\n1\r\n\+OK\r\n\$1\r\n3\r\n/);
  });

  it('puts the secrets in SSM as SecureStrings and nowhere else', async () => {
    const params = (await clients.ssm.send(new GetParametersByPathCommand({ Path: '/skylift/full', Recursive: true, WithDecryption: true }))).Parameters!;
    expect(params.every((p) => p.Type === 'SecureString')).toBe(true);
    expect(params.map((p) => p.Value)).toEqual(expect.arrayContaining(box.pm2App.secrets.filter((s) => /ECOSYS|JWT|DBPASS/.test(s))));
    const log = await skylift(['log', 'full'], env);
    const written = [...outputs, log.stdout, log.stderr, await filesUnder(home)].join('\n');
    expect(log.stdout).toContain('ssm:PutParameter');
    for (const s of [...box.allSecrets(), ...masterPasswords]) expect(written).not.toContain(s);
  });

  it('rolls back: writes made on AWS come back to the box, DNS returns to it, and only the final snapshots remain', async () => {
    await rdsPg.query("insert into orders values (1001, 'written on AWS')", 'shop');
    await rdsMaria.sql('insert into shop.orders values (1001, 42.00)');
    const back = await skylift(['rollback', 'full', '--yes', '--json', '--endpoint-url', double.endpoint, '--time-scale', TIME_SCALE, ...ssh], env);
    outputs.push(back.stdout, back.stderr);
    expect(back.code, back.stderr.slice(-3000)).toBe(0);

    expect(await records()).toEqual([expect.objectContaining({ Type: 'A', ResourceRecords: [{ Value: BOX_IP }] })]);
    // Checked by the runner itself: DNS as journaled before the switch, both databases equal on the box and on AWS.
    const journal = (await readFile(join(home, 'migrations', 'full', 'journal.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; step?: string; message?: string; seq: number });
    const switched = journal.find((r) => r.type === 'step' && r.step === 'switch-dns' && (r as { event?: string }).event === 'undone');
    const verified = journal.filter((r) => r.type === 'note' && r.step === 'switch-dns' && r.seq < (switched?.seq ?? 0)).map((r) => r.message);
    expect(verified).toEqual(expect.arrayContaining([expect.stringMatching(/^verified dns: .* as before the switch$/), expect.stringMatching(/^verified row-counts: shop: 1 table/), expect.stringMatching(/^verified row-counts: shop: 2 table/)]));
    expect(ids((await box.pg.query('select id from orders', 'shop')).rows)).toContain(1001);
    expect(await box.maria.sql('select total from shop.orders where id = 1001')).toContain('42.00');
    expect(existsSync(join(BACKUPS, 'postgres-shop.dump')) && existsSync(join(BACKUPS, 'mysql-shop.sql'))).toBe(true);
    expect(await readFile(join(BACKUPS, 'mysql-shop.sql'), 'utf8')).not.toContain('1001');

    const envs = (await clients.eb.send(new DescribeEnvironmentsCommand({ IncludeDeleted: false }))).Environments!;
    expect(envs.filter((e) => e.Status !== 'Terminated')).toEqual([]);
    const dbs = (await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances!;
    expect(dbs.filter((d) => d.DBInstanceStatus !== 'deleting')).toEqual([]);
    const snapshots = (await clients.rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }))).DBSnapshots!;
    expect(snapshots.map((s) => s.DBInstanceIdentifier).sort()).toEqual(calls('CreateDBInstance').map((c) => String(c.params.DBInstanceIdentifier)).sort());
    expect((await clients.cache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups!.filter((g) => g.Status !== 'deleting')).toEqual([]);
    expect((await clients.cache.send(new DescribeCacheClustersCommand({}))).CacheClusters!.filter((c) => c.CacheClusterStatus !== 'deleting')).toEqual([]);
    expect((await clients.ssm.send(new GetParametersByPathCommand({ Path: '/skylift/full', Recursive: true }))).Parameters).toEqual([]);
    expect((await clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:skylift:migration', Values: ['full'] }] }))).SecurityGroups).toEqual([]);
    expect(calls('CreateRole').length).toBeGreaterThan(0);
    for (const c of calls('CreateRole')) await expect(clients.iam.send(new GetRoleCommand({ RoleName: String(c.params.RoleName) }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    for (const c of calls('CreateInstanceProfile')) await expect(clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: String(c.params.InstanceProfileName) }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect((await clients.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList).toEqual([]);
    const status = await skylift(['status', 'full', '--json', '--endpoint-url', double.endpoint], env);
    const doc = JSON.parse(status.stdout) as { resources: { kind: string; exists: boolean | null }[] };
    expect(doc.resources.filter((r) => r.exists === true)).toEqual([]);

    const written = [...outputs, await filesUnder(home)].join('\n');
    for (const s of [...box.allSecrets(), ...masterPasswords]) expect(written).not.toContain(s);
  });
});
