/**
 * The runner's checks over TLS, through the real CLI: a plan requests an ACM certificate
 * (validated in Route 53), puts it on the ALB's HTTPS:443 listener, and verifies
 * https://<domain>/health, a wss handshake and a Socket.IO handshake through that listener —
 * before the DNS switch (connecting to the environment under the domain's name) and after it.
 * The double's CA is trusted the way a user trusts a private CA: NODE_EXTRA_CA_CERTS.
 */
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, verify, waitFor } from '../../../shared/plan/builder.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { Journal, migrationDir } from '../../../electron/engine/runner/journal.js';
import { cliEnv, skylift, startResolvingProxy } from './cli.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { testPlan, testStep } from './plan-parts.js';

const SPEED = 2000;
const SCALE = String(20 / SPEED);
const ENV = 'tls-web';
const DOMAIN = 'tls.example.test';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const opt = (Namespace: string, OptionName: string, Value: unknown) => ({ Namespace, OptionName, Value }) as { Namespace: string; OptionName: string; Value: string };
const ref = (r: string) => ({ $ref: r });

/** The HTTPS and WebSocket checks against the domain; `connectTo` the environment until DNS points there. */
const checks = (connectTo: { $ref: string } | null) => [
  verify('http', { url: `https://${DOMAIN}/health`, ...(connectTo ? { connectTo } : {}) }, { status: 200 }),
  verify('websocket', { url: `wss://${DOMAIN}/socket.io/`, ...(connectTo ? { connectTo } : {}) }, { status: 101, holdSeconds: 2 }),
];

function httpsPlan(zoneId: string): Plan {
  const certificateArn = ref('prepare-certificate.CertificateArn');
  return testPlan('tls', [
    testStep({
      id: 'prepare-certificate',
      phase: 'prepare',
      actions: [
        aws('acm', 'RequestCertificate', { DomainName: DOMAIN, ValidationMethod: 'DNS' }, { CertificateArn: 'CertificateArn' }),
        { kind: 'dns', hostedZoneId: zoneId, changes: [], certificateValidation: certificateArn },
        waitFor('the certificate to be issued', { service: 'acm', name: 'CertificateValidated', params: { CertificateArn: certificateArn } }),
      ],
      verify: [verify('acm-issued', { certificateArn }, { status: 'ISSUED', names: [DOMAIN] })],
    }),
    testStep({
      id: 'provision-eb',
      phase: 'provision',
      dependsOn: ['prepare-certificate'],
      actions: [
        aws('iam', 'CreateRole', { RoleName: 'tls-ec2', AssumeRolePolicyDocument: trust }),
        aws('iam', 'CreateInstanceProfile', { InstanceProfileName: 'tls-ec2' }),
        aws('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: 'tls-ec2', RoleName: 'tls-ec2' }),
        aws('elasticbeanstalk', 'CreateApplication', { ApplicationName: 'tls' }),
        aws('elasticbeanstalk', 'CreateEnvironment', {
          ApplicationName: 'tls',
          EnvironmentName: ENV,
          CNAMEPrefix: ENV,
          SolutionStackName: '64bit Amazon Linux 2023 v6.7.1 running Node.js 22',
          OptionSettings: [
            opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
            opt('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', 'tls-ec2'),
            // Longer than the check holds the WebSocket open (the default 60 s is 30 ms of real time here).
            opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300'),
            opt('aws:elbv2:listener:443', 'Protocol', 'HTTPS'),
            opt('aws:elbv2:listener:443', 'SSLCertificateArns', certificateArn),
          ],
        }),
        waitFor('ready', { service: 'elasticbeanstalk', name: 'EnvironmentExists', params: { EnvironmentNames: [ENV] } }),
        aws('elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [ENV] }, { Cname: 'Environments[0].CNAME' }),
      ],
    }),
    testStep({ id: 'verify-web', phase: 'verify', dependsOn: ['provision-eb'], actions: checks(ref('provision-eb.Cname')) }),
    testStep({
      id: 'switch-dns',
      phase: 'switch-dns',
      dependsOn: ['verify-web'],
      actions: [{ kind: 'dns', hostedZoneId: zoneId, changes: [{ action: 'DELETE', name: DOMAIN, type: null, ttl: null, values: null, alias: null }, { action: 'UPSERT', name: DOMAIN, type: 'CNAME', ttl: 60, values: [ref('provision-eb.Cname')], alias: null }], certificateValidation: null }],
      verify: [...checks(null), verify('socketio', { url: `https://${DOMAIN}/` }, { websocket: 101 })],
    }),
  ]);
}

describe('verify checks over HTTPS through the ALB listener, by skylift apply', () => {
  let world: RunnerWorld;
  let proxy: Awaited<ReturnType<typeof startResolvingProxy>>;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let args: string[];

  beforeAll(async () => {
    world = await startRunnerWorld({ speed: SPEED, domain: DOMAIN, appEnvironments: [ENV] });
    proxy = await startResolvingProxy(world.double);
    home = await newHome();
    env = cliEnv(home, world.user, proxy.url);
    const file = join(home, 'tls.json');
    await writeFile(file, JSON.stringify(httpsPlan(world.zoneId)));
    args = ['apply', file, '--yes', '--json', '--endpoint-url', world.double.endpoint, '--time-scale', SCALE];
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await world?.close();
  });

  const domainRecords = async () =>
    ((await world.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId }))).ResourceRecordSets ?? []).filter((r) => r.Name === `${DOMAIN}.`).map((r) => `${r.Type} ${r.ResourceRecords?.[0]?.Value}`);

  it('stops before the switch while the CA is not trusted, then verifies https, wss and Socket.IO once it is', async () => {
    const untrusted = await skylift(args, env);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stdout + untrusted.stderr).toMatch(/verify-web: http check failed: https:\/\/tls\.example\.test\/health via tls-web\.us-east-1\.elasticbeanstalk\.com: unable to verify the first certificate/);
    expect(await domainRecords()).toEqual(['A 203.0.113.5']);

    const trusted = await skylift(args, { ...env, NODE_EXTRA_CA_CERTS: world.double.caFile() });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(trusted.stdout.trim().split('\n').at(-1)!)).toMatchObject({ id: 'tls', result: 'completed' });
    const verified = Journal.read(migrationDir('tls', home)).flatMap((r) => (r.type === 'note' && r.message.startsWith('verified') ? [`${r.step} ${r.message}`] : []));
    expect(verified).toEqual([
      'prepare-certificate verified acm-issued: certificate is ISSUED',
      `verify-web verified http: https://${DOMAIN}/health via ${ENV}.us-east-1.elasticbeanstalk.com answered 200`,
      `verify-web verified websocket: wss://${DOMAIN}/socket.io/?EIO=4&transport=websocket: 101 Switching Protocols, held open 2 s`,
      `switch-dns verified http: https://${DOMAIN}/health answered 200`,
      `switch-dns verified websocket: wss://${DOMAIN}/socket.io/?EIO=4&transport=websocket: 101 Switching Protocols, held open 2 s`,
      `switch-dns verified socketio: https://${DOMAIN}/: WebSocket 101 Switching Protocols`,
    ]);
    expect(await domainRecords()).toEqual([`CNAME ${ENV}.us-east-1.elasticbeanstalk.com`]);
  });
});
