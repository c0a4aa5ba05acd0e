import { describe, expect, it } from 'vitest';
import { answersFile, listQuestions, mapInventories } from '../../../shared/mapping/index.js';
import { AnswersFile } from '../../../shared/schema/answers.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import { Inventory } from '../../../shared/schema/inventory.js';
import { TargetDesign } from '../../../shared/schema/design.js';

const sample = (name: string): Inventory => structuredClone(SAMPLES[name] as Inventory);
const decision = (d: TargetDesign, id: string) => {
  const found = d.decisions.find((x) => x.id === id);
  if (!found) throw new Error(`no decision ${id}; have ${d.decisions.map((x) => x.id).join(', ')}`);
  return found;
};
const setting = (d: TargetDesign, ns: string, name: string) => d.resources.environments[0]?.optionSettings.find((s) => s.namespace === ns && s.optionName === name)?.value;

describe('bundled samples', () => {
  it.each(Object.keys(SAMPLES))('%s is a valid Inventory and maps to a valid TargetDesign', (name) => {
    const inv = Inventory.parse(SAMPLES[name]);
    expect(() => TargetDesign.parse(mapInventories([inv]))).not.toThrow();
  });
});

describe('Elastic Beanstalk', () => {
  it('keeps a supported Node.js major and names the upgrade for a retired one', () => {
    expect(mapInventories([sample('linode-systemd-postgres')]).resources.environments[0]?.platform.nodeMajor).toBe(22);
    const old = decision(mapInventories([sample('node12-uploads-crons')]), 'eb.legacy.platform');
    expect(old.value).toBe('Node.js 22 running on 64bit Amazon Linux 2023');
    expect(old.warnings.join(' ')).toMatch(/Upgrade Node\.js 12 → 22/);
  });

  it('flags Node 18 as retired and a deprecated branch chosen by answer', () => {
    const inv = sample('do-1click-socketio');
    inv.runtimes.node = [{ version: 'v18.20.4', path: '/usr/bin/node', manager: 'system' }];
    inv.apps[0]!.packageJson!.enginesNode = null;
    const d = mapInventories([inv], { 'app.chat.nodeMajor': '20' });
    const platform = decision(d, 'eb.chat.platform');
    expect(platform.warnings.join(' ')).toMatch(/retired on 2025-08-11/);
    expect(platform.warnings.join(' ')).toMatch(/deprecated/);
    expect(platform.basis).toBe('answer');
  });

  it('sets PORT explicitly, a Procfile from PM2, enhanced health and a CPU trigger', () => {
    const d = mapInventories([sample('do-1click-socketio')]);
    const env = d.resources.environments[0]!;
    expect(env.procfile).toBe('web: node server.js\n');
    expect(env.envVars.find((v) => v.name === 'PORT')?.value).toEqual({ kind: 'literal', value: '8080' });
    expect(setting(d, 'aws:elasticbeanstalk:healthreporting:system', 'SystemType')).toBe('enhanced');
    expect(setting(d, 'aws:elasticbeanstalk:environment:proxy', 'ProxyServer')).toBe('nginx');
  });

  it('sends secret-looking names to SSM and rewrites connection settings to the new endpoints', () => {
    const env = mapInventories([sample('two-apps')]).resources.environments.find((e) => e.id === 'api')!;
    const byName = Object.fromEntries(env.envVars.map((v) => [v.name, v]));
    expect(byName.JWT_SECRET?.store).toBe('ssm');
    expect(byName.DATABASE_URL).toMatchObject({ store: 'ssm', value: { kind: 'rewrite-endpoint', resource: 'rds:postgres' } });
    expect(byName.REDIS_URL?.value).toEqual({ kind: 'rewrite-endpoint', resource: 'cache:redis' });
  });

  it('sizes one environment for N boxes running the same app', () => {
    const a = sample('linode-systemd-postgres');
    const b = sample('linode-systemd-postgres');
    b.target.label = 'root@198.51.100.24';
    b.host.hostname = 'shop-li-02';
    b.databases.postgres = [];
    const d = mapInventories([a, b]);
    expect(d.resources.environments).toHaveLength(1);
    expect(d.resources.environments[0]).toMatchObject({ nodes: 2, minSize: 2 });
    expect(d.answers.find((x) => x.key === 'ha.level')?.value).toBe('multi-az');
    expect(d.resources.databases[0]?.multiAz).toBe(true);
  });

  it('joins an app box and a database box into one design', () => {
    const app = sample('linode-systemd-postgres');
    const db = sample('linode-systemd-postgres');
    app.databases.postgres = [];
    db.target.label = 'root@10.0.0.5';
    db.apps = [];
    const d = mapInventories([app, db]);
    expect(d.resources.environments).toHaveLength(1);
    expect(d.resources.databases[0]?.source.label).toBe('root@10.0.0.5');
    expect(d.resources.environments[0]?.envVars.find((v) => v.name === 'DATABASE_URL')?.value).toEqual({ kind: 'rewrite-endpoint', resource: 'rds:postgres' });
  });
});

describe('load balancer and WebSockets', () => {
  it('gives a new environment an ALB with HTTPS, a raised idle timeout and stickiness only when several instances may serve Socket.IO', () => {
    const d = mapInventories([sample('two-apps')]);
    const api = d.resources.environments.find((e) => e.id === 'api')!;
    const get = (ns: string, n: string) => api.optionSettings.find((s) => s.namespace === ns && s.optionName === n)?.value;
    expect(get('aws:elbv2:loadbalancer', 'IdleTimeout')).toBe('3600');
    expect(get('aws:elbv2:listener:443', 'SSLCertificateArns')).toEqual({ resource: 'certificate', attribute: 'arn' });
    expect(get('aws:elasticbeanstalk:environment:process:default', 'StickinessEnabled')).toBe('true');
    expect(api.nginx).toEqual({ websocket: true, readTimeoutSeconds: 3600, clientMaxBodySize: null });
  });

  it('pins Socket.IO without a Redis adapter to one instance and says why', () => {
    const d = mapInventories([sample('do-1click-socketio')]);
    expect(d.resources.environments[0]).toMatchObject({ minSize: 1, maxSize: 1, socketio: true });
    expect(setting(d, 'aws:elasticbeanstalk:environment:process:default', 'StickinessEnabled')).toBeUndefined();
    const forced = mapInventories([sample('do-1click-socketio')], { 'app.chat.maxInstances': 3 });
    expect(decision(forced, 'eb.chat.scaling').warnings.join(' ')).toMatch(/redis-adapter/);
    expect(decision(forced, 'lb.chat.alb').warnings.join(' ')).toMatch(/broadcasts still need/);
  });

  it('fixes the listeners of an existing classic-ELB environment to TCP/SSL', () => {
    const d = mapInventories([sample('do-1click-socketio')], { 'app.chat.existingEnvironment': 'chat-prod' });
    const env = d.resources.environments[0]!;
    expect(env).toMatchObject({ environmentName: 'chat-prod', loadBalancer: 'classic', existing: { name: 'chat-prod', loadBalancer: 'classic' } });
    const listeners = env.optionSettings.filter((s) => s.namespace.startsWith('aws:elb:listener')).map((s) => `${s.namespace} ${s.optionName}=${typeof s.value === 'string' ? s.value : 'ref'}`);
    expect(listeners).toEqual([
      'aws:elb:listener:80 ListenerProtocol=TCP',
      'aws:elb:listener:80 InstancePort=80',
      'aws:elb:listener:80 InstanceProtocol=TCP',
      'aws:elb:listener:443 ListenerProtocol=SSL',
      'aws:elb:listener:443 InstancePort=80',
      'aws:elb:listener:443 InstanceProtocol=TCP',
      'aws:elb:listener:443 SSLCertificateId=ref',
    ]);
    expect(decision(d, 'lb.chat.classic-listeners').warnings.join(' ')).toMatch(/Proxy Protocol/);
  });

  it('reads WebSocket evidence from Apache ws:// proxies too', () => {
    const env = mapInventories([sample('mysql57-redis-apache')]).resources.environments[0]!;
    expect(env).toMatchObject({ websocket: true, websocketPath: '/ws', domains: ['api.example.net'] });
  });
});

describe('RDS and ElastiCache', () => {
  it('moves MySQL 5.7 to 8.4 with the upgrade, MyISAM and client warnings, by dump', () => {
    const d = mapInventories([sample('mysql57-redis-apache')]);
    expect(d.resources.databases[0]).toMatchObject({ engine: 'mysql', engineVersion: '8.4', copyMethod: 'dump', convertMyisam: true, source: { databases: ['acme'] } });
    const warnings = decision(d, 'rds.mysql.engine').warnings.join(' ');
    expect(warnings).toMatch(/5\.7 → 8\.4 skips a major/);
    expect(warnings).toMatch(/NO_AUTO_CREATE_USER/);
    expect(warnings).toMatch(/caching_sha2_password/);
    expect(d.questions.find((q) => q.key === 'db.mysql.copyMethod')?.choices.map((c) => c.value)).toEqual(['dump']);
  });

  it('keeps MariaDB on RDS MariaDB', () => {
    expect(mapInventories([sample('node12-uploads-crons')]).resources.databases[0]).toMatchObject({ engine: 'mariadb', engineVersion: '10.11' });
  });

  it('blocks on an extension RDS does not offer until a resolution is chosen', () => {
    const open = mapInventories([sample('postgis')]);
    const blocker = open.blockers.find((b) => b.id === 'rds.postgres.gis.extension.timescaledb');
    expect(blocker).toMatchObject({ resolution: null, answerKey: 'db.postgres.gis.extension.timescaledb' });
    expect(decision(open, 'rds.postgres.extensions').warnings.join(' ')).toMatch(/PostGIS/);
    const excluded = mapInventories([sample('postgis')], { 'db.postgres.gis.extension.timescaledb': 'exclude-extension' });
    expect(excluded.resources.databases[0]?.excludedExtensions).toEqual(['timescaledb']);
    const kept = mapInventories([sample('postgis')], { 'db.postgres.gis.extension.timescaledb': 'self-managed' });
    expect(kept.resources.databases).toEqual([]);
    expect(kept.coverage.find((c) => c.ref === 'postgres:5432/gis')?.status).toBe('not-mapped');
  });

  it('chooses replication for a large database whose source is ready for it', () => {
    expect(mapInventories([sample('postgis')]).resources.databases[0]?.copyMethod).toBe('replication');
  });

  it('maps Redis to Valkey, cold-starting a pure cache and copying keys that never expire', () => {
    expect(mapInventories([sample('two-apps')]).resources.caches[0]).toMatchObject({ engine: 'valkey', engineVersion: '8.0', dataMove: 'cold', nodeType: 'cache.t4g.micro' });
    expect(mapInventories([sample('mysql57-redis-apache')]).resources.caches[0]?.dataMove).toBe('key-copy');
    expect(mapInventories([sample('node12-uploads-crons')]).resources.caches[0]).toMatchObject({ engine: 'memcached', dataMove: 'cold' });
  });
});

describe('storage, cron and DNS', () => {
  it('makes local writable directories blockers, resolved into S3 or EFS', () => {
    const open = mapInventories([sample('node12-uploads-crons')]);
    expect(open.blockers.filter((b) => b.area === 'storage' && b.resolution === null)).toHaveLength(2);
    const d = mapInventories([sample('node12-uploads-crons')], { 'app.legacy.dir.uploads': 's3', 'app.legacy.dir.tmp': 'efs' });
    expect(d.blockers.filter((b) => b.resolution === null)).toEqual([]);
    expect(d.resources.buckets[0]).toMatchObject({ purpose: 'uploads', sources: [{ path: '/var/www/legacy/uploads' }] });
    expect(d.resources.fileSystems[0]?.sources[0]?.path).toBe('/var/www/legacy/tmp');
  });

  it('maps each cron job with its trade-off', () => {
    const jobs = mapInventories([sample('node12-uploads-crons')]).resources.schedules;
    expect(jobs.map((j) => `${j.id} ${j.mapping}`)).toEqual(['job-1 worker-cron', 'job-2 eventbridge', 'job-3 replaced', 'job-4 manual', 'job-5 manual', 'job-6 replaced']);
    expect(jobs[1]).toMatchObject({ path: '/tasks/expire-sessions', targetSchedule: 'cron(0/10 * * * ? *)' });
  });

  it('runs a job found on several boxes once', () => {
    const a = sample('mysql57-redis-apache');
    const b = sample('mysql57-redis-apache');
    b.target.label = 'deploy@192.0.2.46';
    const d = mapInventories([a, b]);
    expect(d.resources.schedules).toHaveLength(3);
    expect(d.coverage.filter((c) => c.kind === 'cron' && c.detail.startsWith('Same job as'))).toHaveLength(3);
  });

  it('imports a zone with an apex by default and blocks a manual apex change', () => {
    const d = mapInventories([sample('linode-systemd-postgres')]);
    expect(d.resources.dns).toMatchObject({ mode: 'import-zone', zones: ['example-shop.com'], certificateNames: ['example-shop.com', 'www.example-shop.com'] });
    expect(d.resources.dns.records).toEqual([
      { name: 'example-shop.com', apex: true, environment: 'example-shop-com', type: 'alias' },
      { name: 'www.example-shop.com', apex: false, environment: 'example-shop-com', type: 'cname' },
    ]);
    const manual = mapInventories([sample('linode-systemd-postgres')], { 'dns.mode': 'manual-record' });
    expect(manual.blockers.find((b) => b.id === 'dns.apex-manual')?.resolution).toBeNull();
  });

  it('uses Route 53 record changes with the EB zone id when the zone is there', () => {
    const d = mapInventories([sample('do-1click-socketio')], { 'dns.provider': 'route53', 'aws.region': 'eu-west-1' });
    expect(d.resources.dns).toMatchObject({ mode: 'route53-records', ebHostedZoneId: 'Z2NYPWQ7DFZAZH' });
    expect(d.cost.lines.every((l) => l.monthlyUsd === null || l.item.startsWith('Route 53'))).toBe(true);
  });
});

describe('answers and questions', () => {
  it('records defaulted answers and lists every question with a key and default', () => {
    const d = mapInventories([sample('two-apps')], { 'aws.region': 'us-west-2' });
    expect(d.answers.find((a) => a.key === 'aws.region')).toEqual({ key: 'aws.region', value: 'us-west-2', source: 'given' });
    expect(d.answers.find((a) => a.key === 'network.vpc')?.source).toBe('defaulted');
    const questions = listQuestions([sample('two-apps')]);
    expect(new Set(questions.map((q) => q.key)).size).toBe(questions.length);
    expect(questions.map((q) => q.key)).toEqual(expect.arrayContaining(['aws.region', 'dns.domains', 'app.api.instanceType', 'db.postgres.copyMethod', 'cron.job-1.mapping']));
  });

  it('turns an invalid answer into a blocker and reports answers no question used', () => {
    const d = mapInventories([sample('two-apps')], { 'network.vpc': 'shared', 'typo.key': true });
    expect(d.blockers.find((b) => b.id === 'answer-invalid:network.vpc')).toBeDefined();
    expect(d.unusedAnswers).toEqual(['typo.key']);
  });

  it('repeats the same design from the answers file it wrote', () => {
    const first = mapInventories([sample('mysql57-redis-apache')], { 'cache.redis.engine': 'redis' });
    const file = AnswersFile.parse(JSON.parse(JSON.stringify(answersFile(first))));
    expect(file.defaulted).not.toContain('cache.redis.engine');
    const again = mapInventories([sample('mysql57-redis-apache')], file.answers, { defaulted: file.defaulted });
    expect(again).toEqual(first);
  });

  it('asks follow-up questions only once the answer that needs them is given', () => {
    const keys = (answers = {}) => listQuestions([sample('do-1click-socketio')], answers).map((q) => q.key);
    expect(keys()).not.toContain('app.chat.existingLoadBalancer');
    expect(keys({ 'app.chat.existingEnvironment': 'chat-prod' })).toContain('app.chat.existingLoadBalancer');
  });
});

describe('coverage and open questions', () => {
  it('maps or lists every item found on the box', () => {
    const d = mapInventories([sample('mysql57-redis-apache')]);
    const refs = new Set(d.coverage.map((c) => c.ref));
    for (const ref of ['app:api', 'mysql:3306', 'mysql:3306/acme', 'mysql:3306/mysql', 'redis:6379', 'cron:0', 'cron:1', 'cron:2', 'pm2:api', 'listener:tcp/0.0.0.0:22', 'apache-vhost:0', 'firewall']) {
      expect(refs, ref).toContain(ref);
    }
  });

  it('turns what the probe could not read into open questions', () => {
    const inv = sample('do-1click-socketio');
    inv.host.memoryBytes = null;
    inv.runtimes.node = [];
    inv.probe.sections[0]!.status = 'timeout';
    const d = mapInventories([inv]);
    expect(d.openQuestions.map((q) => q.key)).toEqual(expect.arrayContaining(['app.chat.instanceType', 'app.chat.nodeMajor', null]));
    expect(d.resources.environments[0]?.instanceType).toBe('t3.small');
  });
});
