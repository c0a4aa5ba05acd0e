import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
const PM2 = join(REPO, 'node_modules', '.bin', 'pm2');

export interface BoxApp {
  dir: string;
  name: string;
  port: number;
  pm2Home: string;
  /** Secret values seeded on the box; none may appear in any Skylift output. */
  secrets: string[];
  stop(): Promise<void>;
}

const secret = (label: string): string => `SKYSECRET_${label}_${randomBytes(6).toString('hex')}`;

/**
 * A Node.js Socket.IO app as users run it: under PM2 with an ecosystem file, a `.env` holding
 * secret values, an uploads directory, a git checkout whose remote carries a token, and a
 * secret passed as a process argument.
 */
export async function startBoxApp(root: string): Promise<BoxApp> {
  const name = 'skylift-demo-api';
  const dir = join(root, 'srv', name);
  const pm2Home = join(root, 'pm2');
  const port = await freePort();
  const secrets = {
    dbPassword: secret('DBPASS'),
    jwt: secret('JWT'),
    ecosystem: secret('ECOSYS'),
    arg: secret('ARG'),
    gitToken: secret('GITTOKEN'),
  };
  await mkdir(join(dir, 'uploads', 'avatars'), { recursive: true });
  await mkdir(pm2Home, { recursive: true });
  await copyFile(join(REPO, 'test/fixtures/box-app/server.cjs'), join(dir, 'server.js'));
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'uploads', 'avatars', 'a.png'), randomBytes(2048));
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name,
        version: '1.4.2',
        main: 'server.js',
        engines: { node: '>=20' },
        scripts: { start: 'node server.js' },
        dependencies: { 'socket.io': '^4.8.1', pg: '^8.11.0', ioredis: '^5.4.0', multer: '^1.4.5-lts.1', express: '^4.19.2' },
      },
      null,
      2,
    ),
  );
  await writeFile(
    join(dir, '.env'),
    [`NODE_ENV=production`, `DATABASE_PASSWORD=${secrets.dbPassword}`, `JWT_SECRET="${secrets.jwt}"`, `REDIS_HOST=127.0.0.1`, ''].join('\n'),
  );
  await writeFile(
    join(dir, 'ecosystem.config.js'),
    `module.exports = {
  apps: [{
    name: '${name}',
    script: 'server.js',
    cwd: '${dir}',
    args: '--api-key=${secrets.arg}',
    env: { PORT: ${port}, STRIPE_API_KEY: '${secrets.ecosystem}', NODE_ENV: 'production' },
  }],
};
`,
  );
  await run('git', ['init', '-q', '-b', 'main', dir]);
  await run('git', ['-C', dir, 'remote', 'add', 'origin', `https://deploy:${secrets.gitToken}@git.example.com/acme/api.git`]);
  await run('git', ['-C', dir, 'add', 'package.json', 'server.js']);
  await run('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init']);
  const env = { ...process.env, PM2_HOME: pm2Home };
  await run(PM2, ['start', join(dir, 'ecosystem.config.js')], { env });
  return {
    dir,
    name,
    port,
    pm2Home,
    secrets: Object.values(secrets),
    async stop() {
      await run(PM2, ['kill'], { env }).catch(() => undefined);
    },
  };
}
