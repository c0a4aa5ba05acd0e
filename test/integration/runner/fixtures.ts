/**
 * What the runner tests share: the AWS double with a user, a Route 53 zone holding the box's
 * record, an app (HTTP health + Socket.IO) standing behind the EB environments, and a data
 * directory per test.
 */
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Server as SocketIo } from 'socket.io';
import { tempDir } from '../../support/sshd.js';
import { startAwsDouble, type AwsDouble, type DoubleCredentials } from '../../support/aws-double/index.js';
import type { RunnerOptions } from '../../../electron/engine/runner/run.js';

export const BOX_IP = '203.0.113.5';

export interface RunnerWorld {
  double: AwsDouble;
  user: DoubleCredentials;
  zoneId: string;
  route53: Route53Client;
  app: { port: number; stop(): Promise<void> };
  /** The box's A record for a name in the zone, TTL one hour. */
  seedRecord(name: string): Promise<void>;
  options(home: string, extra?: Partial<RunnerOptions>): RunnerOptions;
  close(): Promise<void>;
}

/** A Node.js app like the box's: /health answers 200, Socket.IO accepts WebSocket upgrades. */
export async function startApp(): Promise<RunnerWorld['app']> {
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/socket.io')) return;
    res.writeHead(req.url === '/health' || req.url === '/' ? 200 : 404, { 'content-type': 'text/plain' }).end('ok');
  });
  const io = new SocketIo(server);
  io.on('connection', (s) => s.emit('hello', 'box-app'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, stop: () => new Promise<void>((r) => io.close(() => r())) };
}

export async function startRunnerWorld(opts: { speed: number; domain: string; appEnvironments: string[] }): Promise<RunnerWorld> {
  const double = await startAwsDouble({ speed: opts.speed });
  const user = double.createUser();
  const route53 = new Route53Client({ region: 'us-east-1', endpoint: double.endpoint, credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } });
  const zoneName = opts.domain.split('.').slice(-2).join('.');
  const zone = await route53.send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `test-${Date.now()}-${Math.random()}` }));
  const zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
  const seedRecord = async (name: string) => {
    await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: name, Type: 'A', TTL: 3600, ResourceRecords: [{ Value: BOX_IP }] } }] } }));
  };
  await seedRecord(opts.domain);
  const app = await startApp();
  for (const env of opts.appEnvironments) double.backends.apps.set(env, { host: '127.0.0.1', port: app.port });
  return {
    double,
    user,
    zoneId,
    route53,
    app,
    seedRecord,
    options: (home, extra = {}) => ({
      home,
      aws: { endpointUrl: double.endpoint, credentials: { kind: 'keys', accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } },
      // Budgets and polls scaled to the double's clock, with room to spare on a busy machine.
      timeScale: 5 / opts.speed,
      connect: async (host: string, port: number): Promise<Socket> => {
        const to = await double.resolve(host, port);
        return connect(to.port, to.host);
      },
      ...extra,
    }),
    async close() {
      route53.destroy();
      await app.stop();
      await double.close();
    },
  };
}

export const newHome = () => tempDir('skylift-runner-home-');

/** Every file under a directory, concatenated (to check that no secret was written anywhere in it). */
export async function filesUnder(dir: string): Promise<string> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(e.isDirectory() ? await filesUnder(p) : await readFile(p, 'utf8'));
  }
  return out.join('\n');
}
