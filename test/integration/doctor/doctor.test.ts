import { CreateLoadBalancerPolicyCommand, SetLoadBalancerPoliciesForBackendServerCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeEnvironmentResourcesCommand } from '@aws-sdk/client-elastic-beanstalk';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixPlan } from '../../../shared/doctor/fix-plan.js';
import { examine, fixId } from '../../../electron/engine/doctor/index.js';
import { apply } from '../../../electron/engine/runner/apply.js';
import { rollback } from '../../../electron/engine/runner/rollback.js';
import { DEFAULT_ACCOUNT, type AwsDouble } from '../../support/aws-double/index.js';
import { ebState } from '../../support/aws-double/services/eb-state.js';
import { opt } from '../aws/eb-setup.js';
import { DROPPING_LOCATION, ECHO, startDoctorWorld, type DoctorWorld } from './doctor-world.js';

const LOCATION = '.platform/nginx/conf.d/elasticbeanstalk/00_application.conf';
const ALB = opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application');
const ONE_INSTANCE = opt('aws:autoscaling:asg', 'MaxSize', '1');

/** What the doctor may change about an environment, read from the double's own state. */
function envWorld(double: AwsDouble, name: string) {
  const eb = ebState(double.world, DEFAULT_ACCOUNT, 'us-east-1');
  const rec = [...eb.environments.values()].find((e) => e.env.EnvironmentName === name && e.env.Status !== 'Terminated')!;
  const lb = rec.resources!.lb!;
  return {
    version: rec.env.VersionLabel,
    options: rec.options.map((o) => `${o.Namespace} ${o.OptionName}=${o.Value}`).sort(),
    classicListeners: lb.classic.listeners,
    classicAttributes: lb.classic.attributes,
    backendPolicies: [...lb.classic.backendPolicies],
    albListeners: lb.application.listeners.map((l) => `${l.Protocol}:${l.Port}`),
    albAttributes: [...lb.application.attributes],
    targetGroups: lb.application.targetGroups.map((t) => [...t.attributes]),
    versions: [...eb.versions.keys()].filter((k) => k.includes(name)).sort(),
  };
}

const writes = (double: AwsDouble, since: number) => double.calls.slice(since).filter((c) => !/^(Describe|Get|List)/.test(c.operation)).map((c) => `${c.service}:${c.operation}`);

let w: DoctorWorld;
beforeAll(async () => {
  w = await startDoctorWorld();
}, 120_000);
afterAll(async () => w?.close());

async function diagnoseEnv(name: string) {
  return examine({ environment: name, region: 'us-east-1', urls: [], echoEvent: ECHO, runner: w.runner() });
}

/** Fix, check it took, undo, check the recorded settings are back. */
async function fixAndUndo(name: string, expectSteps: string[]) {
  const before = envWorld(w.session.double, name);
  const exam = await diagnoseEnv(name);
  const id = fixId(name);
  const plan = buildFixPlan(exam.facts, exam.diagnosis, { id, echoEvent: ECHO })!;
  expect(plan.steps.map((s) => s.id)).toEqual(expectSteps);
  const result = await apply(plan, w.runner());
  expect(result).toMatchObject({ result: 'completed', error: null });
  const fixed = await diagnoseEnv(name);
  const undone = await rollback(id, w.runner());
  expect(undone).toMatchObject({ result: 'completed', error: null });
  await w.waitReady(name);
  expect(envWorld(w.session.double, name)).toEqual(before);
  return { exam, fixed, after: await diagnoseEnv(name) };
}

describe.sequential('skylift doctor against the AWS double, a real nginx and a real Socket.IO app', () => {
  it('classic HTTP listener and an nginx dropping the upgrade: both named; the fix upgrades to 101 and echoes; undo restores', async () => {
    await w.environment({ name: 'doc-classic', options: [ONE_INSTANCE], files: { [LOCATION]: DROPPING_LOCATION } });
    const { exam, fixed, after } = await fixAndUndo('doc-classic', ['doctor-listeners-layer4', 'doctor-nginx-override', 'doctor-verify']);
    expect(exam.diagnosis.findings.map((f) => f.id)).toEqual(['classic-layer7-listener', 'nginx-drops-upgrade']);
    const [listener, nginx] = exam.diagnosis.findings;
    expect(listener!.evidence).toEqual(['listener HTTP:80 → HTTP:80', 'WebSocket handshake to http://doc-classic.us-east-1.elasticbeanstalk.com/: HTTP 400']);
    expect(nginx!.evidence).toEqual([`${LOCATION} proxies without proxy_set_header Upgrade $http_upgrade, proxy_set_header Connection upgrade`]);
    expect(exam.facts.handshakes[0]).toMatchObject({ polling: { status: 200, opened: true, pingIntervalMs: 25_000 }, websocket: { status: 400, upgraded: false } });

    expect(fixed.diagnosis).toMatchObject({ healthy: true, findings: [] });
    expect(fixed.facts.handshakes[0]).toMatchObject({ websocket: { status: 101, upgraded: true }, echo: { event: ECHO, ok: true } });
    expect(fixed.facts.loadBalancer.listeners).toEqual([{ port: 80, protocol: 'TCP', instancePort: 80, instanceProtocol: 'TCP', certificate: null }]);

    expect(after.diagnosis.findings.map((f) => f.id)).toEqual(['classic-layer7-listener', 'nginx-drops-upgrade']);
    expect(after.facts.handshakes[0]!.websocket.status).toBe(400);
  });

  it('a healthy environment: says so and changes nothing', async () => {
    await w.environment({ name: 'doc-healthy', options: [ALB, ONE_INSTANCE, opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300')] });
    const route53 = new Route53Client({ region: 'us-east-1', endpoint: w.session.double.endpoint, credentials: w.session.user });
    const zone = (await route53.send(new CreateHostedZoneCommand({ Name: 'example.test', CallerReference: 'doctor-test' }))).HostedZone!.Id!;
    const cname = { Name: 'api.example.test', Type: 'CNAME' as const, TTL: 300, ResourceRecords: [{ Value: 'doc-healthy.us-east-1.elasticbeanstalk.com' }] };
    await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: cname }] } }));
    route53.destroy();
    const before = envWorld(w.session.double, 'doc-healthy');
    const since = w.session.double.calls.length;
    const exam = await diagnoseEnv('doc-healthy');
    expect(exam.diagnosis).toMatchObject({ healthy: true, findings: [] });
    // The environment's own name and the domain pointing at it, each with a real handshake.
    expect(exam.facts.handshakes.map((h) => [h.url, h.websocket.status, h.echo?.ok])).toEqual([
      ['http://doc-healthy.us-east-1.elasticbeanstalk.com/', 101, true],
      ['http://api.example.test/', 101, true],
    ]);
    expect(buildFixPlan(exam.facts, exam.diagnosis, { id: fixId('doc-healthy'), echoEvent: ECHO })).toBeNull();
    expect(writes(w.session.double, since)).toEqual([]);
    expect(envWorld(w.session.double, 'doc-healthy')).toEqual(before);
  });

  it('an nginx that times out quiet connections before the heartbeat: a new version with long timeouts, then the old one back', async () => {
    const shortLocation = ['location / {', '    proxy_pass http://127.0.0.1:8080;', '    proxy_http_version 1.1;', '    proxy_set_header Upgrade $http_upgrade;', '    proxy_set_header Connection $connection_upgrade;', '    proxy_read_timeout 10s;', '}', ''].join('\n');
    await w.environment({ name: 'doc-nginx-timeout', options: [ALB, ONE_INSTANCE, opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300')], files: { [LOCATION]: shortLocation } });
    const { exam, fixed, after } = await fixAndUndo('doc-nginx-timeout', ['doctor-nginx-override', 'doctor-verify']);
    expect(exam.diagnosis.findings.map((f) => f.id)).toEqual(['nginx-short-timeout']);
    expect(exam.diagnosis.findings[0]!.evidence).toEqual([`${LOCATION}: proxy_read_timeout 10 s, proxy_send_timeout 60 s`, "the server's Engine.IO open packet says pingInterval 25000 ms, pingTimeout 20000 ms"]);
    expect(fixed.facts.bundle!.nginxFiles[LOCATION]).toContain('proxy_read_timeout  300s;');
    expect(fixed.diagnosis.healthy).toBe(true);
    expect(after.facts.environment.versionLabel).toBe('doc-nginx-timeout-v1');
  });

  it('an ALB idle timeout shorter than the heartbeat: raised to 300 s, then put back', async () => {
    await w.environment({ name: 'doc-idle', options: [ALB, ONE_INSTANCE, opt('aws:elbv2:loadbalancer', 'IdleTimeout', '10')] });
    const { exam, fixed, after } = await fixAndUndo('doc-idle', ['doctor-idle-timeout', 'doctor-verify']);
    expect(exam.diagnosis.findings.map((f) => f.id)).toEqual(['idle-timeout-short']);
    expect(exam.diagnosis.findings[0]!.evidence).toEqual(['ALB attribute idle_timeout.timeout_seconds = 10 s', "the server's Engine.IO open packet says pingInterval 25000 ms, pingTimeout 20000 ms"]);
    expect(fixed.facts.loadBalancer.idleTimeoutSeconds).toBe(300);
    expect(fixed.diagnosis.healthy).toBe(true);
    expect(after.facts.loadBalancer.idleTimeoutSeconds).toBe(10);
  });

  it('stickiness off with a fleet that can grow while polling is allowed: turned on, then off again', async () => {
    await w.environment({ name: 'doc-sticky', options: [ALB, opt('aws:autoscaling:asg', 'MaxSize', '2'), opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300')], dependencies: { '@socket.io/redis-adapter': '^8.3.0' } });
    const { exam, fixed, after } = await fixAndUndo('doc-sticky', ['doctor-stickiness', 'doctor-verify']);
    expect(exam.diagnosis.findings.map((f) => f.id)).toEqual(['stickiness-off']);
    expect(exam.diagnosis.findings[0]!.evidence).toEqual(['1 instance(s) running, Auto Scaling MaxSize 2', 'target group attribute stickiness.enabled = false', 'the server accepts the polling transport (the polling handshake opened a session)']);
    expect(fixed.facts.loadBalancer.stickiness).toBe(true);
    expect(after.facts.loadBalancer.stickiness).toBe(false);
  });

  it('more than one instance and no shared adapter: named with evidence, nothing changed (a code change)', async () => {
    await w.environment({
      name: 'doc-adapter',
      options: [ALB, opt('aws:autoscaling:asg', 'MaxSize', '3'), opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300'), opt('aws:elasticbeanstalk:environment:process:default', 'StickinessEnabled', 'true'), opt('aws:elasticbeanstalk:application:environment', 'REDIS_URL', 'redis://secret-host:6379')],
    });
    const before = envWorld(w.session.double, 'doc-adapter');
    const since = w.session.double.calls.length;
    const exam = await diagnoseEnv('doc-adapter');
    expect(exam.diagnosis.findings.map((f) => [f.id, f.automatic])).toEqual([['no-shared-adapter', false]]);
    expect(exam.diagnosis.findings[0]!.evidence).toEqual([
      '1 instance(s) running, Auto Scaling MaxSize 3',
      'package.json depends on socket.io but on none of @socket.io/redis-adapter, @socket.io/redis-streams-adapter, socket.io-redis',
      'environment properties name a cache (REDIS_URL), but no adapter uses it',
    ]);
    expect(JSON.stringify(exam)).not.toContain('secret-host');
    expect(buildFixPlan(exam.facts, exam.diagnosis, { id: fixId('doc-adapter'), echoEvent: ECHO })).toBeNull();
    expect(writes(w.session.double, since)).toEqual([]);
    expect(envWorld(w.session.double, 'doc-adapter')).toEqual(before);
  });

  it('Proxy Protocol on the ELB without proxy_protocol in nginx: every request 400; the policy comes off, then back', async () => {
    const tcp = [opt('aws:elb:listener:80', 'ListenerProtocol', 'TCP'), opt('aws:elb:listener:80', 'InstanceProtocol', 'TCP'), opt('aws:elb:listener:80', 'InstancePort', '80')];
    await w.environment({ name: 'doc-proxy', options: [ONE_INSTANCE, ...tcp] });
    const { clients } = w.session;
    const lb = (await clients.elasticbeanstalk.send(new DescribeEnvironmentResourcesCommand({ EnvironmentName: 'doc-proxy' }))).EnvironmentResources!.LoadBalancers![0]!.Name!;
    await clients.elb.send(new CreateLoadBalancerPolicyCommand({ LoadBalancerName: lb, PolicyName: 'EnableProxyProtocol', PolicyTypeName: 'ProxyProtocolPolicyType', PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }] }));
    await clients.elb.send(new SetLoadBalancerPoliciesForBackendServerCommand({ LoadBalancerName: lb, InstancePort: 80, PolicyNames: ['EnableProxyProtocol'] }));
    const { exam, fixed, after } = await fixAndUndo('doc-proxy', ['doctor-proxy-protocol-off', 'doctor-verify']);
    expect(exam.diagnosis.findings.map((f) => f.id)).toEqual(['proxy-protocol-without-nginx']);
    expect(exam.diagnosis.findings[0]!.evidence).toEqual([
      'instance port 80: EnableProxyProtocol (ProxyProtocolPolicyType)',
      "no listen directive with proxy_protocol in the bundle's .platform/nginx files",
      'http://doc-proxy.us-east-1.elasticbeanstalk.com/: polling handshake got HTTP 400',
    ]);
    expect(fixed.diagnosis.healthy).toBe(true);
    expect(fixed.facts.handshakes[0]).toMatchObject({ websocket: { status: 101 }, echo: { ok: true } });
    expect(after.facts.handshakes[0]!.polling.status).toBe(400);
  });
});
