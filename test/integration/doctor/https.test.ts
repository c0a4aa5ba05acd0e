/**
 * The doctor over TLS, through the CLI: a classic load balancer whose HTTPS:443 listener (an ACM
 * certificate, served by the double's listener proxy) refuses the upgrade to the domain's
 * clients. The doctor names it, its fix moves the listener to SSL:443 with the same certificate,
 * and the wss handshake then returns 101. The double's CA is trusted with NODE_EXTRA_CA_CERTS.
 */
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../support/aws-double/index.js';
import { validateCertificate } from '../../support/aws-double/proxy/validate-certificate.js';
import { ebState } from '../../support/aws-double/services/eb-state.js';
import { opt } from '../aws/eb-setup.js';
import { cliEnv, skylift, startResolvingProxy } from '../runner/cli.js';
import { ECHO, SPEED, startDoctorWorld, type DoctorWorld } from './doctor-world.js';

const NAME = 'doc-tls';
const DOMAIN = 'app.example.net';

let w: DoctorWorld;
let proxy: Awaited<ReturnType<typeof startResolvingProxy>>;
let env: NodeJS.ProcessEnv;
let common: string[];
let certificate: string;

beforeAll(async () => {
  w = await startDoctorWorld();
  const { double, user } = w.session;
  proxy = await startResolvingProxy(double);
  env = { ...cliEnv(w.home, user, proxy.url), NODE_EXTRA_CA_CERTS: double.caFile() };
  common = ['--endpoint-url', double.endpoint, '--time-scale', String(5 / SPEED)];
  const config = { region: 'us-east-1', endpoint: double.endpoint, credentials: user };
  const route53 = new Route53Client(config);
  const acm = new ACMClient(config);
  try {
    const zoneId = (await route53.send(new CreateHostedZoneCommand({ Name: 'example.net', CallerReference: 'doctor-https' }))).HostedZone!.Id!;
    certificate = (await acm.send(new RequestCertificateCommand({ DomainName: DOMAIN, ValidationMethod: 'DNS' }))).CertificateArn!;
    await validateCertificate(double, user, zoneId, certificate);
    await w.environment({
      name: NAME,
      options: [
        // One instance: stickiness and a shared adapter do not matter, so the listener is the only cause.
        opt('aws:autoscaling:asg', 'MaxSize', '1'),
        opt('aws:elb:listener:443', 'ListenerProtocol', 'HTTPS'),
        opt('aws:elb:listener:443', 'InstanceProtocol', 'HTTP'),
        opt('aws:elb:listener:443', 'InstancePort', '80'),
        opt('aws:elb:listener:443', 'SSLCertificateId', certificate),
      ],
    });
    await route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: DOMAIN, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: `${NAME}.us-east-1.elasticbeanstalk.com` }] } }] } }),
    );
  } finally {
    route53.destroy();
    acm.destroy();
  }
}, 180_000);
afterAll(async () => {
  await proxy?.close();
  await w?.close();
});

const listeners = () => {
  const rec = [...ebState(w.session.double.world, DEFAULT_ACCOUNT, 'us-east-1').environments.values()].find((e) => e.env.EnvironmentName === NAME)!;
  return [...rec.resources!.lb!.classic.listeners].sort((a, b) => a.LoadBalancerPort! - b.LoadBalancerPort!);
};

describe.sequential('skylift doctor on a classic HTTPS:443 listener', () => {
  it('names the layer-7 HTTPS listener, moves it to SSL:443 with the same certificate, wss then upgrades; undo puts HTTPS back', async () => {
    const before = listeners();
    expect(before).toContainEqual({ Protocol: 'HTTPS', LoadBalancerPort: 443, InstanceProtocol: 'HTTP', InstancePort: 80, SSLCertificateId: certificate });
    const look = await skylift(['doctor', '--env', NAME, '--echo-event', ECHO, ...common], env);
    expect(look.code, look.stderr).toBe(2);
    expect(look.stdout).toContain('✘ [classic-layer7-listener]');
    expect(look.stdout).toContain(`listener HTTPS:443 → HTTP:80 (certificate ${certificate})`);
    // Over TLS (the domain's clients use https when the load balancer listens on 443), the polling transport works and the upgrade is refused.
    expect(look.stdout).toMatch(new RegExp(`https://${DOMAIN}/: polling 200, websocket answered 400`));

    const fix = await skylift(['doctor', '--env', NAME, '--echo-event', ECHO, '--fix', '--yes', '--json', ...common], env);
    expect(fix.code, fix.stderr).toBe(0);
    const out = fix.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const plan = (out[0] as { plan: { migration: { name: string }; steps: { id: string }[] } }).plan;
    expect(plan.steps.map((s) => s.id)).toEqual(['doctor-listeners-layer4', 'doctor-verify']);
    expect(out.at(-1)).toMatchObject({ result: 'completed' });
    expect(listeners()).toEqual([
      { Protocol: 'TCP', LoadBalancerPort: 80, InstanceProtocol: 'TCP', InstancePort: 80 },
      { Protocol: 'SSL', LoadBalancerPort: 443, InstanceProtocol: 'TCP', InstancePort: 80, SSLCertificateId: certificate },
    ]);

    const after = await skylift(['doctor', '--env', NAME, '--echo-event', ECHO, ...common], env);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain(`https://${DOMAIN}/: polling 200, websocket 101, echo ok`);
    expect(after.stdout).toContain('Healthy');

    const undo = await skylift(['rollback', plan.migration.name, '--yes', '--json', ...common], env);
    expect(undo.code, undo.stderr).toBe(0);
    expect(listeners()).toEqual(before);
  });
});
