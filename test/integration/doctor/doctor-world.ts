/**
 * What the doctor's tests share: the AWS double with the product's clients, a real Socket.IO
 * app, and for each environment a real nginx standing in for its instances — configured from
 * the `.platform/nginx` files of whichever bundle Elastic Beanstalk deploys to it (a new nginx
 * per deployment, as a new version lands on fresh instances).
 */
import { CreateApplicationVersionCommand, CreateEnvironmentCommand, CreateStorageLocationCommand, DescribeEnvironmentsCommand, type ConfigurationOptionSetting } from '@aws-sdk/client-elastic-beanstalk';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { Server as SocketIo } from 'socket.io';
import { unzip } from '../../../electron/engine/doctor/bundle.js';
import type { RunnerOptions } from '../../../electron/engine/runner/run.js';
import { zip } from '../../../electron/engine/runner/source-bundle.js';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { deployHooks } from '../../support/aws-double/services/eb-lifecycle.js';
import { freePort } from '../../support/free-port.js';
import { serviceDir, startNginx, type NginxService } from '../../support/services.js';
import { tempDir } from '../../support/sshd.js';
import { NODE22, opt, prepareEb } from '../aws/eb-setup.js';

export const SPEED = 100;
export const ECHO = 'echo';

/** The platform's own location (AL2023 Node.js): passes upgrades, nginx's default 60 s timeouts. */
const PLATFORM_LOCATION = ['location / {', '    proxy_pass http://127.0.0.1:8080;', '    proxy_http_version 1.1;', '    proxy_set_header Upgrade $http_upgrade;', '    proxy_set_header Connection $connection_upgrade;', '}', ''].join('\n');

/** An app location that drops the upgrade (Connection cleared for keep-alive), as many copied snippets do. */
export const DROPPING_LOCATION = ['location / {', '    proxy_pass http://127.0.0.1:8080;', '    proxy_http_version 1.1;', '    proxy_set_header Connection "";', '    proxy_set_header Host $host;', '}', ''].join('\n');

export interface AppOptions {
  pingIntervalMs?: number;
}

/** A Socket.IO server that acknowledges the echo event with what it got. */
export async function startSocketApp(opts: AppOptions = {}): Promise<{ port: number; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/socket.io')) return;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  const io = new SocketIo(server, { pingInterval: opts.pingIntervalMs ?? 25_000, pingTimeout: 20_000 });
  io.on('connection', (s) => s.on(ECHO, (value: unknown, ack?: (v: unknown) => void) => ack?.(value)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, stop: () => new Promise<void>((r) => io.close(() => r())) };
}

/** A real nginx laid out from a bundle the way the platform includes `.platform/nginx/conf.d`; the app's 8080 is the local app port. */
async function instanceNginx(bundle: Buffer, appPort: number): Promise<NginxService> {
  const dir = await serviceDir('skylift-doctor-instance-');
  const files = unzip(bundle).filter((f) => f.path.startsWith('.platform/nginx/conf.d/'));
  const confDir = join(dir, 'conf.d');
  await mkdir(join(confDir, 'elasticbeanstalk'), { recursive: true });
  if (!files.some((f) => f.path.endsWith('elasticbeanstalk/00_application.conf'))) files.push({ path: '.platform/nginx/conf.d/elasticbeanstalk/00_application.conf', mode: 0o644, data: Buffer.from(PLATFORM_LOCATION) });
  for (const f of files) {
    const target = join(dir, f.path.slice('.platform/nginx/'.length));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.data.toString('utf8').replaceAll('127.0.0.1:8080', `127.0.0.1:${appPort}`));
  }
  const port = await freePort();
  return startNginx({
    dir,
    waitFor: [port],
    http: [
      "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
      `  include ${confDir}/*.conf;`,
      `  server { listen 127.0.0.1:${port}; include ${confDir}/elasticbeanstalk/*.conf; }`,
    ].join('\n'),
  });
}

export interface EnvSpec {
  name: string;
  options: ConfigurationOptionSetting[];
  /** Bundle files besides package.json and app.js. */
  files?: Record<string, string>;
  dependencies?: Record<string, string>;
  app?: AppOptions;
}

export interface DoctorWorld {
  session: DoubleSession;
  home: string;
  runner(extra?: Partial<RunnerOptions>): RunnerOptions;
  /** An environment running version v1 of a bundle, its instances a real nginx in front of a real Socket.IO app. */
  environment(spec: EnvSpec): Promise<void>;
  waitReady(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDoctorWorld(): Promise<DoctorWorld> {
  const session = await startDoubleSession({ speed: SPEED, migrationId: 'doctor-test-setup' });
  const { double, clients, user } = session;
  await prepareEb(clients);
  const bucket = (await clients.elasticbeanstalk.send(new CreateStorageLocationCommand({}))).S3Bucket!;
  const home = await tempDir('skylift-doctor-home-');
  const stops: (() => Promise<void>)[] = [];
  const waitReady = async (name: string) => {
    for (;;) {
      const env = (await clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [name], IncludeDeleted: false }))).Environments?.[0];
      if (env?.Status === 'Ready') return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    session,
    home,
    runner: (extra = {}) => ({
      home,
      aws: { endpointUrl: double.endpoint, region: 'us-east-1', credentials: { kind: 'keys', accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } },
      timeScale: 5 / SPEED,
      yes: true,
      connect: async (host: string, port: number): Promise<Socket> => {
        const to = await double.resolve(host, port);
        return connect(to.port, to.host);
      },
      ...extra,
    }),
    async environment(spec) {
      const app = await startSocketApp(spec.app);
      stops.push(app.stop);
      let instance: NginxService | undefined;
      stops.push(async () => instance?.stop());
      // A deployment lands on fresh instances: a new nginx from the new bundle, then the old one goes.
      deployHooks(double.world).set(spec.name, async (bundle) => {
        const next = await instanceNginx(bundle, app.port);
        double.backends.apps.set(spec.name, { host: '127.0.0.1', port: next.port });
        const old = instance;
        instance = next;
        await old?.stop();
      });
      const pkg = JSON.stringify({ name: spec.name, dependencies: { 'socket.io': '^4.8.1', ...spec.dependencies } });
      const body = zip(Object.entries({ 'package.json': pkg, 'app.js': "require('socket.io');\n", ...spec.files }).map(([path, text]) => ({ path, mode: 0o644, data: Buffer.from(text) })));
      const key = `app/${spec.name}-v1.zip`;
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      await clients.elasticbeanstalk.send(new CreateApplicationVersionCommand({ ApplicationName: 'app', VersionLabel: `${spec.name}-v1`, SourceBundle: { S3Bucket: bucket, S3Key: key } }));
      await clients.elasticbeanstalk.send(
        new CreateEnvironmentCommand({
          ApplicationName: 'app',
          EnvironmentName: spec.name,
          CNAMEPrefix: spec.name,
          PlatformArn: NODE22,
          VersionLabel: `${spec.name}-v1`,
          OptionSettings: [opt('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', 'eb-ec2'), ...spec.options],
        }),
      );
      await waitReady(spec.name);
    },
    waitReady,
    async close() {
      for (const stop of stops.reverse()) await stop();
      await session.close();
    },
  };
}
