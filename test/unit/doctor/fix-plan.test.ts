import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/doctor/diagnose.js';
import { buildFixPlan, overrideFiles } from '../../../shared/doctor/fix-plan.js';
import { proxyBlocks } from '../../../shared/doctor/nginx.js';
import { Plan } from '../../../shared/schema/plan.js';
import { classicFacts, DROPPING_LOCATION, healthyFacts } from './sample-facts.js';

const LOCATION = '.platform/nginx/conf.d/elasticbeanstalk/00_application.conf';
const OPTS = { id: 'doctor-shop-20261126T160000Z', echoEvent: 'echo' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `nginx -t` over the bundle's .platform/nginx files laid out as the AL2023 platform includes them. */
function nginxTest(files: Record<string, string>): { status: number | null; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'skylift-doctor-nginx-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    const target = join(root, path.slice('.platform/nginx/'.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  mkdirSync(join(root, 'conf.d/elasticbeanstalk'), { recursive: true });
  const conf = join(root, 'nginx.conf');
  writeFileSync(conf, `pid ${root}/nginx.pid; error_log ${root}/error.log; events {} http { access_log off; include ${root}/conf.d/*.conf; server { listen 127.0.0.1:1; include ${root}/conf.d/elasticbeanstalk/*.conf; } }\n`);
  const r = spawnSync('/usr/sbin/nginx', ['-t', '-c', conf, '-p', root], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('buildFixPlan', () => {
  it('changes nothing for a healthy environment', () => {
    const f = healthyFacts();
    expect(buildFixPlan(f, diagnose(f), OPTS)).toBeNull();
  });

  it('classic listeners to layer 4 and an nginx override, in a chain, each undone by the recorded settings', () => {
    const f = classicFacts();
    f.options.push({ namespace: 'aws:elb:listener:80', name: 'ListenerProtocol', value: 'HTTP' }, { namespace: 'aws:elb:listener:80', name: 'InstancePort', value: '80' }, { namespace: 'aws:elb:listener:80', name: 'InstanceProtocol', value: 'HTTP' });
    f.bundle!.nginxFiles = { [LOCATION]: DROPPING_LOCATION };
    const plan = buildFixPlan(f, diagnose(f), OPTS)!;
    expect(Plan.parse(plan)).toEqual(plan);
    expect(plan.migration.name).toBe(OPTS.id);
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['doctor-listeners-layer4', []],
      ['doctor-nginx-override', ['doctor-listeners-layer4']],
      ['doctor-verify', ['doctor-nginx-override']],
    ]);
    const [listeners, nginx, check] = plan.steps;
    expect(listeners!.actions[0]).toMatchObject({ operation: 'UpdateEnvironment', params: { EnvironmentName: 'shop', OptionSettings: expect.arrayContaining([
      { Namespace: 'aws:elb:listener:80', OptionName: 'ListenerProtocol', Value: 'TCP' },
      { Namespace: 'aws:elb:listener:443', OptionName: 'ListenerProtocol', Value: 'SSL' },
      { Namespace: 'aws:elb:listener:443', OptionName: 'InstanceProtocol', Value: 'TCP' },
      { Namespace: 'aws:elb:listener:443', OptionName: 'SSLCertificateId', Value: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
    ]) } });
    expect(listeners!.undo).toMatchObject({ kind: 'actions', actions: [{ operation: 'UpdateEnvironment', params: {
      OptionSettings: [
        { Namespace: 'aws:elb:listener:80', OptionName: 'ListenerProtocol', Value: 'HTTP' },
        { Namespace: 'aws:elb:listener:80', OptionName: 'InstanceProtocol', Value: 'HTTP' },
        { Namespace: 'aws:elb:listener:80', OptionName: 'InstancePort', Value: '80' },
      ],
      OptionsToRemove: expect.arrayContaining([{ Namespace: 'aws:elb:listener:443', OptionName: 'ListenerProtocol' }, { Namespace: 'aws:elb:listener:443', OptionName: 'SSLCertificateId' }]),
    } }, { kind: 'wait' }] });
    expect(nginx!.actions.map((a) => (a.kind === 'aws' ? a.operation : a.kind))).toEqual(['data-copy', 'CreateApplicationVersion', 'UpdateEnvironment', 'wait']);
    expect(nginx!.actions[0]).toMatchObject({ engine: 'source-bundle', method: 'overlay-s3', source: { bucket: f.bundle!.bucket, key: 'shop-app/v1.zip' }, target: { key: `shop-app/${OPTS.id}.zip` } });
    expect(nginx!.undo).toMatchObject({ kind: 'actions', actions: [{ params: { VersionLabel: 'v1' } }, { kind: 'wait' }, { operation: 'DeleteApplicationVersion' }] });
    expect(check!.verify).toEqual([{ kind: 'verify', check: 'socketio', target: { url: 'http://shop.us-east-1.elasticbeanstalk.com/', echoEvent: 'echo' }, expect: { websocket: 101, echo: true } }]);
  });

  it('raises the idle timeout, turns stickiness on and takes Proxy Protocol off, each reversibly', () => {
    const f = healthyFacts();
    f.loadBalancer.idleTimeoutSeconds = 10;
    f.options = f.options.map((o) => (o.name === 'IdleTimeout' ? { ...o, value: '10' } : o));
    f.instances = { running: 2, maxSize: 2 };
    f.bundle!.packageJson = JSON.stringify({ dependencies: { 'socket.io': '^4', '@socket.io/redis-adapter': '^8' } });
    const plan = buildFixPlan(f, diagnose(f), { ...OPTS, echoEvent: null })!;
    expect(plan.steps.map((s) => s.id)).toEqual(['doctor-idle-timeout', 'doctor-stickiness', 'doctor-verify']);
    expect(plan.steps[0]!.actions[0]).toMatchObject({ params: { OptionSettings: [{ Namespace: 'aws:elbv2:loadbalancer', OptionName: 'IdleTimeout', Value: '300' }] } });
    expect(plan.steps[0]!.undo).toMatchObject({ actions: [{ params: { OptionSettings: [{ Namespace: 'aws:elbv2:loadbalancer', OptionName: 'IdleTimeout', Value: '10' }] } }, { kind: 'wait' }] });
    expect(plan.steps[1]!.undo).toMatchObject({ actions: [{ params: { OptionSettings: [], OptionsToRemove: [{ Namespace: 'aws:elasticbeanstalk:environment:process:default', OptionName: 'StickinessEnabled' }] } }, { kind: 'wait' }] });

    const c = classicFacts();
    c.loadBalancer.listeners = [{ port: 80, protocol: 'TCP', instancePort: 80, instanceProtocol: 'TCP', certificate: null }];
    c.loadBalancer.backendPolicies = [{ instancePort: 80, policies: [{ name: 'keep', type: 'BackendServerAuthenticationPolicyType' }, { name: 'pp', type: 'ProxyProtocolPolicyType' }] }];
    const pp = buildFixPlan(c, diagnose(c), OPTS)!;
    expect(pp.steps[0]).toMatchObject({ id: 'doctor-proxy-protocol-off', actions: [{ operation: 'SetLoadBalancerPoliciesForBackendServer', params: { InstancePort: 80, PolicyNames: ['keep'] } }], undo: { actions: [{ params: { PolicyNames: ['keep', 'pp'] } }] } });
  });

  it('repairs the dropping nginx file so nginx accepts it and it passes upgrades with long timeouts', () => {
    const f = healthyFacts();
    f.bundle!.nginxFiles = { [LOCATION]: `# the app\n${DROPPING_LOCATION}\n` };
    const files = overrideFiles(f, 300);
    expect(Object.keys(files).sort()).toEqual(['.platform/nginx/conf.d/elasticbeanstalk/00_application.conf', '.platform/nginx/conf.d/skylift-websocket-upgrade.conf']);
    expect(proxyBlocks(files)).toEqual([{ file: LOCATION, passesUpgrade: true, missing: [], readTimeoutSeconds: 300, sendTimeoutSeconds: 300 }]);
    expect(nginxTest(files)).toMatchObject({ status: 0 });
    expect(files[LOCATION]).not.toContain('Connection "";');
  });

  it('writes the platform location from scratch when the bundle has no nginx file', () => {
    const f = healthyFacts();
    f.bundle!.nginxFiles = {};
    f.options.push({ namespace: 'aws:elasticbeanstalk:application:environment', name: 'PORT', value: '3000' });
    const files = overrideFiles(f, 600);
    expect(files[LOCATION]).toContain('proxy_pass          http://127.0.0.1:3000;');
    expect(proxyBlocks(files)[0]).toMatchObject({ passesUpgrade: true, readTimeoutSeconds: 600 });
    expect(nginxTest(files)).toMatchObject({ status: 0 });
  });
});
