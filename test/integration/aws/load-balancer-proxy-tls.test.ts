import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { CreateLoadBalancerListenersCommand, DeleteLoadBalancerListenersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeEnvironmentResourcesCommand } from '@aws-sdk/client-elastic-beanstalk';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { createServer, type Server } from 'node:http';
import { request, type Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { Server as SocketServer } from 'socket.io';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { validateCertificate } from '../../support/aws-double/proxy/validate-certificate.js';
import { createEnvironment, opt, prepareEb } from './eb-setup.js';

const cname = (env: string) => `${env}.us-east-1.elasticbeanstalk.com`;
const UPGRADE = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
const SOCKET_PATH = '/socket.io/?EIO=4&transport=websocket';

/** A GET, or a WebSocket upgrade when `headers` ask for one: the status and body (none after a 101). */
function get(url: string, agent: Agent, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers });
    req.on('upgrade', (res, socket) => (socket.destroy(), resolve({ status: res.statusCode ?? 0, body: '' })));
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A Socket.IO client over wss only: connects and round-trips an echo, or says why not. */
async function echoOverWss(url: string, agent: Agent): Promise<string> {
  const socket = io(url, { transports: ['websocket'], agent: agent as never, reconnection: false, timeout: 10_000 });
  try {
    await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
    return (await socket.timeout(5000).emitWithAck('echo', 'over tls')) as string;
  } finally {
    socket.close();
  }
}

describe('HTTPS and SSL listeners terminate TLS with the ACM certificate, signed by the double CA', () => {
  let s: DoubleSession;
  let acm: ACMClient;
  let route53: Route53Client;
  let zoneId: string;
  let app: Server;
  let certificate: string;
  let pending: string;
  let trusted: Agent;

  const upsert = (Name: string, Value: string) =>
    route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value }] } }] } }));
  const request = (names: string[]) => acm.send(new RequestCertificateCommand({ DomainName: names[0], SubjectAlternativeNames: names, ValidationMethod: 'DNS' })).then((r) => r.CertificateArn!);
  const validate = (arn: string) => validateCertificate(s.double, s.user, zoneId, arn);
  /** A bare TLS handshake with a listener: the certificate it served, or the error. */
  async function handshake(host: string, port: number, servername: string, ca?: string): Promise<{ cert?: PeerCertificate; error?: NodeJS.ErrnoException }> {
    const to = await s.double.resolve(host, port);
    return new Promise((resolve) => {
      const socket = tlsConnect({ host: to.host, port: to.port, servername, ...(ca ? { ca } : {}) });
      socket.once('secureConnect', () => (resolve({ cert: socket.getPeerCertificate() }), socket.destroy()));
      socket.once('error', (error) => resolve({ error }));
    });
  }
  const loadBalancerOf = async (env: string) =>
    (await s.clients.elasticbeanstalk.send(new DescribeEnvironmentResourcesCommand({ EnvironmentName: env }))).EnvironmentResources!.LoadBalancers![0]!.Name!;

  beforeAll(async () => {
    s = await startDoubleSession({ speed: 1, migrationId: 'mig-tls' });
    const config = { region: 'us-east-1', endpoint: s.double.endpoint, credentials: s.user };
    acm = new ACMClient(config);
    route53 = new Route53Client(config);
    zoneId = (await route53.send(new CreateHostedZoneCommand({ Name: 'example.org', CallerReference: 'tls' }))).HostedZone!.Id!;
    app = createServer((req, res) => res.end(`${req.headers['x-forwarded-proto']} ${req.headers['x-forwarded-port']}`));
    new SocketServer(app).on('connection', (socket) => socket.on('echo', (text: string, ack: (reply: string) => void) => ack(`echo: ${text}`)));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    certificate = await request(['example.org', '*.example.org']);
    pending = await request(['pending.example.org']);
    await validate(certificate);

    await prepareEb(s.clients);
    await createEnvironment(s.clients, 'alb-tls', [
      opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
      opt('aws:elbv2:listener:443', 'Protocol', 'HTTPS'),
      opt('aws:elbv2:listener:443', 'SSLCertificateArns', certificate),
    ]);
    await createEnvironment(s.clients, 'classic-tls', [
      opt('aws:elb:listener:443', 'ListenerProtocol', 'HTTPS'),
      opt('aws:elb:listener:443', 'InstanceProtocol', 'HTTP'),
      opt('aws:elb:listener:443', 'InstancePort', '80'),
      opt('aws:elb:listener:443', 'SSLCertificateId', certificate),
    ]);
    for (const env of ['alb-tls', 'classic-tls']) s.double.backends.apps.set(env, { host: '127.0.0.1', port: (app.address() as AddressInfo).port });
    s.double.clock.advance(300_000);
    await s.double.settle();
    await upsert('secure.example.org', cname('alb-tls'));
    await upsert('legacy.example.org', cname('classic-tls'));
    trusted = s.double.httpsAgent({ ca: s.double.caCert });
  });

  afterAll(async () => {
    acm?.destroy();
    route53?.destroy();
    await s?.close();
    await new Promise((resolve) => app?.close(resolve));
  });

  it('serves a real certificate for the ACM names that verifies with the double CA, and only with it', async () => {
    const ok = await handshake('secure.example.org', 443, 'secure.example.org', s.double.caCert);
    expect(ok.error).toBeUndefined();
    expect(ok.cert?.subjectaltname).toBe('DNS:example.org, DNS:*.example.org');
    expect(ok.cert?.issuer.CN).toBe('AWS double test CA');
    expect((await handshake('secure.example.org', 443, 'secure.example.org')).error?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // The load balancer's own name is not on the certificate, as on AWS.
    expect((await handshake(cname('alb-tls'), 443, cname('alb-tls'), s.double.caCert)).error?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    await expect(get('https://secure.example.org/', s.double.httpsAgent())).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('an ALB HTTPS listener forwards plain HTTP to the target and passes the WebSocket upgrade', async () => {
    expect(await get('https://secure.example.org/', trusted)).toEqual({ status: 200, body: 'https 443' });
    expect((await get(`https://secure.example.org${SOCKET_PATH}`, trusted, UPGRADE)).status).toBe(101);
    expect(await echoOverWss('https://secure.example.org', trusted)).toBe('echo: over tls');
  });

  it('a classic HTTPS:443 listener refuses the upgrade with 400; SSL:443 with the same certificate passes it', async () => {
    expect(await get('https://legacy.example.org/', trusted)).toEqual({ status: 200, body: 'https 443' });
    expect((await get(`https://legacy.example.org${SOCKET_PATH}`, trusted, UPGRADE)).status).toBe(400);
    await expect(echoOverWss('https://legacy.example.org', trusted)).rejects.toThrow('websocket error');

    const LoadBalancerName = await loadBalancerOf('classic-tls');
    await s.clients.elb.send(new DeleteLoadBalancerListenersCommand({ LoadBalancerName, LoadBalancerPorts: [443] }));
    await s.clients.elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName, Listeners: [{ Protocol: 'SSL', LoadBalancerPort: 443, InstanceProtocol: 'TCP', InstancePort: 80, SSLCertificateId: certificate }] }));
    expect((await get(`https://legacy.example.org${SOCKET_PATH}`, trusted, UPGRADE)).status).toBe(101);
    expect(await echoOverWss('https://legacy.example.org', trusted)).toBe('echo: over tls');
    // Layer 4: the app sees the bytes, not a load balancer's X-Forwarded-* headers.
    expect(await get('https://legacy.example.org/', trusted)).toEqual({ status: 200, body: 'undefined undefined' });
  });

  it('a listener whose certificate is not issued, or unknown, fails the handshake until ACM issues it', async () => {
    const LoadBalancerName = await loadBalancerOf('classic-tls');
    const unknown = certificate.replace(/certificate\/.*/, 'certificate/00000000-0000-0000-0000-000000000000');
    await s.clients.elb.send(
      new CreateLoadBalancerListenersCommand({
        LoadBalancerName,
        Listeners: [
          { Protocol: 'SSL', LoadBalancerPort: 8443, InstanceProtocol: 'TCP', InstancePort: 80, SSLCertificateId: pending },
          { Protocol: 'HTTPS', LoadBalancerPort: 9443, InstanceProtocol: 'HTTP', InstancePort: 80, SSLCertificateId: unknown },
        ],
      }),
    );
    for (const port of [8443, 9443]) {
      const { error } = await handshake('legacy.example.org', port, 'pending.example.org', s.double.caCert);
      expect(error?.code, `port ${port}`).toBe('ECONNRESET');
    }
    await validate(pending);
    const issued = await handshake('legacy.example.org', 8443, 'pending.example.org', s.double.caCert);
    expect(issued.error).toBeUndefined();
    expect(issued.cert?.subjectaltname).toBe('DNS:pending.example.org');
  });
});
