import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLoadBalancerListenersCommand, CreateLoadBalancerPolicyCommand, DeleteLoadBalancerListenersCommand, SetLoadBalancerPoliciesForBackendServerCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeListenersCommand, ModifyListenerCommand, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEnvironmentResourcesCommand } from '@aws-sdk/client-elastic-beanstalk';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { createServer, get, type Agent, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { createEnvironment, opt, prepareEb } from './eb-setup.js';

const cname = (env: string) => `${env}.us-east-1.elasticbeanstalk.com`;

/** A Socket.IO client limited to the WebSocket transport (no polling fallback to hide a refused upgrade). */
function connectSocket(url: string, agent: Agent): Promise<{ socket: Socket; error?: Error & { description?: unknown } }> {
  const socket = io(url, { transports: ['websocket'], agent: agent as never, reconnection: false, timeout: 10_000 });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => resolve({ socket, error }));
  });
}

const echo = (socket: Socket, text: string) => socket.timeout(5000).emitWithAck('echo', text) as Promise<string>;

function httpGet(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('load balancer listeners in front of the app, with a real Socket.IO client', () => {
  let s: DoubleSession;
  let app: Server;
  let appPort: number;
  let agent: Agent;

  beforeAll(async () => {
    s = await startDoubleSession({ speed: 1, migrationId: 'mig-proxy' });
    app = createServer((req, res) => res.end(`hello from ${req.headers['x-forwarded-for']} via ${req.headers['x-forwarded-port']}`));
    new SocketServer(app).on('connection', (socket) => socket.on('echo', (text: string, ack: (reply: string) => void) => ack(`echo: ${text}`)));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appPort = (app.address() as AddressInfo).port;
    await prepareEb(s.clients);
    await createEnvironment(s.clients, 'classic-http');
    await createEnvironment(s.clients, 'classic-tcp', [opt('aws:elb:listener:80', 'ListenerProtocol', 'TCP'), opt('aws:elb:listener:80', 'InstanceProtocol', 'TCP')]);
    await createEnvironment(s.clients, 'alb-env', [opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application')]);
    for (const env of ['classic-http', 'classic-tcp', 'alb-env']) s.double.backends.apps.set(env, { host: '127.0.0.1', port: appPort });
    s.double.clock.advance(300_000);
    await s.double.settle();
    agent = s.double.agent();
  });

  afterAll(async () => {
    await s?.close();
    await new Promise((resolve) => app?.close(resolve));
  });

  const loadBalancerOf = async (env: string) =>
    (await s.clients.elasticbeanstalk.send(new DescribeEnvironmentResourcesCommand({ EnvironmentName: env }))).EnvironmentResources!.LoadBalancers![0]!.Name!;

  it('a classic HTTP listener proxies requests but refuses the WebSocket upgrade with 400', async () => {
    expect(await httpGet(`http://${cname('classic-http')}/`, agent)).toEqual({ status: 200, body: 'hello from 127.0.0.1 via 80' });
    const { socket, error } = await connectSocket(`http://${cname('classic-http')}`, agent);
    socket.close();
    expect(error?.message).toBe('websocket error');
    expect(String((error?.description as { message?: string })?.message)).toContain('Unexpected server response: 400');
  });

  it('a classic TCP listener passes the upgrade', async () => {
    const { socket, error } = await connectSocket(`http://${cname('classic-tcp')}`, agent);
    expect(error).toBeUndefined();
    expect(await echo(socket, 'over tcp')).toBe('echo: over tcp');
    socket.close();
  });

  it('replacing HTTP:80 by TCP:80 through the ELB API lets the same environment upgrade', async () => {
    const LoadBalancerName = await loadBalancerOf('classic-http');
    await s.clients.elb.send(new DeleteLoadBalancerListenersCommand({ LoadBalancerName, LoadBalancerPorts: [80] }));
    await s.clients.elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName, Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 80, InstanceProtocol: 'TCP', InstancePort: 80 }] }));
    const { socket, error } = await connectSocket(`http://${cname('classic-http')}`, agent);
    expect(error).toBeUndefined();
    expect(await echo(socket, 'switched')).toBe('echo: switched');
    socket.close();
  });

  it('proxy protocol on the instance port prefixes each TCP connection, which an app not expecting it refuses', async () => {
    const LoadBalancerName = await loadBalancerOf('classic-tcp');
    await s.clients.elb.send(new CreateLoadBalancerPolicyCommand({ LoadBalancerName, PolicyName: 'pp', PolicyTypeName: 'ProxyProtocolPolicyType', PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }] }));
    await s.clients.elb.send(new SetLoadBalancerPoliciesForBackendServerCommand({ LoadBalancerName, InstancePort: 80, PolicyNames: ['pp'] }));
    const received = new Promise<string>((resolve) => {
      const raw = createTcpServer((c) => c.once('data', (d) => (resolve(d.toString()), c.end(), raw.close())));
      raw.listen(0, '127.0.0.1', () => s.double.backends.apps.set('classic-tcp', { host: '127.0.0.1', port: (raw.address() as AddressInfo).port }));
    });
    await new Promise((r) => setImmediate(r));
    const target = await s.double.resolve(cname('classic-tcp'), 80);
    const client = connect(target.port, target.host, () => client.write('hello'));
    const data = await received;
    expect(data).toMatch(new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 ${client.localPort} 80\\r\\nhello$`));
    client.destroy();
    // An app that does not expect the header (nginx without `listen … proxy_protocol`) answers 400.
    s.double.backends.apps.set('classic-tcp', { host: '127.0.0.1', port: appPort });
    const { socket, error } = await connectSocket(`http://${cname('classic-tcp')}`, agent);
    socket.close();
    expect(String((error?.description as { message?: string })?.message)).toContain('Unexpected server response: 400');
  });

  it('an ALB passes the upgrade, and its requests show in CloudWatch', async () => {
    const { socket, error } = await connectSocket(`http://${cname('alb-env')}`, agent);
    expect(error).toBeUndefined();
    expect(await echo(socket, 'over alb')).toBe('echo: over alb');
    socket.close();
    const lb = (await loadBalancerOf('alb-env')).split(':loadbalancer/')[1]!;
    const now = s.double.clock.now();
    const data = await s.clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 3_600_000),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: [{ Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: lb }] }, Period: 3600 * 2, Stat: 'Sum' } }],
      }),
    );
    expect(data.MetricDataResults![0]!.Values).toEqual([1]);
  });

  it('an ALB closes a connection idle for longer than its idle timeout', async () => {
    await s.clients.elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: await loadBalancerOf('alb-env'), Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '2' }] }));
    // Two virtual seconds at four times real speed: the connection dies well before Socket.IO's 25 s ping.
    s.double.clock.speed = 4;
    const { socket, error } = await connectSocket(`http://${cname('alb-env')}`, agent);
    expect(error).toBeUndefined();
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    s.double.clock.speed = 1;
    expect(reason).toBe('transport close');
  });

  it('an ALB listener set to a fixed 503 answers it to requests and upgrades, then forwards again', async () => {
    const listener = (await s.clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: await loadBalancerOf('alb-env') }))).Listeners![0]!;
    const maintenance = { Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'Down for maintenance' } };
    await s.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: listener.ListenerArn, DefaultActions: [maintenance] }));
    expect(await httpGet(`http://${cname('alb-env')}/`, agent)).toEqual({ status: 503, body: 'Down for maintenance' });
    const { socket, error } = await connectSocket(`http://${cname('alb-env')}`, agent);
    socket.close();
    expect(error?.description).toMatchObject({ message: expect.stringContaining('503') });
    await s.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: listener.ListenerArn, DefaultActions: listener.DefaultActions }));
    expect((await httpGet(`http://${cname('alb-env')}/`, agent)).status).toBe(200);
  });

  it('a Route 53 name pointing at the environment reaches the same listener (the cutover path)', async () => {
    const setup = new Route53Client({ region: 'us-east-1', endpoint: s.double.endpoint, credentials: s.user });
    const zone = (await setup.send(new CreateHostedZoneCommand({ Name: 'example.org', CallerReference: 'proxy' }))).HostedZone!;
    setup.destroy();
    await s.clients.route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.Id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'www.example.org', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: cname('alb-env') }] } }] } }),
    );
    const { socket, error } = await connectSocket('http://www.example.org', agent);
    expect(error).toBeUndefined();
    expect(await echo(socket, 'by name')).toBe('echo: by name');
    socket.close();
    await expect(s.double.resolve('nothing.example.org', 80)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
