/**
 * Real servers for tests: PostgreSQL, MariaDB, Redis, memcached, nginx and a Node.js app, each
 * started from a fresh temp dir on a free loopback port, as the service's own OS user where
 * the Debian package made one, and stopped (dir removed) by `stop()`. Needs root and the
 * Debian packages named in the brief. Children left running when the test process exits are
 * killed then.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A self-signed certificate for 127.0.0.1 (its own CA), owned by the service's user: a server standing in for RDS offers TLS as RDS does. */
async function serverCertificate(dir: string, user: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  const { uid, gid } = ids(user);
  await Promise.all([chown(cert, uid, gid), chown(key, uid, gid), chmod(key, 0o600)]);
  return { cert, key };
}

export interface RunningService {
  host: string;
  port: number;
  /** Pid of the server process itself (the postmaster, mariadbd, nginx master…). */
  pid: number;
  /** The temp dir holding the service's files; removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

async function retry<T>(what: string, attempt: () => Promise<T>, child: ChildProcess, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited early (${child.exitCode ?? child.signalCode})`);
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} not ready in ${timeoutMs} ms: ${last instanceof Error ? last.message : String(last)}`);
}

/** Resolves once something accepts TCP connections on host:port. */
export function connectOnce(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Sends one request to a TCP text protocol (memcached, redis inline commands) and returns the reply until close. */
export function tcpRequest(port: number, payload: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, host, () => socket.end(payload));
    socket.on('data', (c) => chunks.push(c));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function ids(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim()),
  };
}

/** A fresh temp dir owned by `user` (traversable by others, so root-run tools and the probe can reach it). */
export async function serviceDir(prefix: string, user?: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  if (user) {
    const { uid, gid } = ids(user);
    await chown(dir, uid, gid);
  }
  return dir;
}

function start(command: string, args: string[], opts: { user?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const child = spawn(command, args, {
    ...(opts.user ? ids(opts.user) : {}),
    cwd: opts.cwd ?? '/',
    env: { PATH: process.env.PATH, LC_ALL: 'C', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  child.once('exit', (code) => {
    children.delete(child);
    if (code && code !== 0 && process.env.SKYLIFT_TEST_DEBUG) console.error(`${command} exited ${code}: ${stderr}`);
  });
  return child;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function stopper(child: ChildProcess, signal: NodeJS.Signals, dir: string): () => Promise<void> {
  return async () => {
    await stopChild(child, signal);
    await rm(dir, { recursive: true, force: true });
  };
}

export interface PostgresService extends RunningService {
  user: 'postgres';
  /** Password of the `postgres` role over TCP (scram); the unix socket trusts local users. */
  password: string;
  socketDir: string;
  dataDir: string;
  /** With `tls`: the server's self-signed certificate, to verify its TLS against. */
  caFile: string | null;
  query(sql: string, database?: string): Promise<pg.QueryResult>;
}

/** initdb into a temp dir and run `postgres -D dir -p port -k sockdir` as the OS user postgres. */
export async function startPostgres(opts: { settings?: Record<string, string>; tls?: boolean } = {}): Promise<PostgresService> {
  const dir = await serviceDir('skylift-pg-', 'postgres');
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  const password = randomBytes(12).toString('hex');
  const { uid, gid } = ids('postgres');
  await mkdir(socketDir);
  await chown(socketDir, uid, gid);
  const pwfile = path.join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  await chown(pwfile, uid, gid);
  await run(
    `${PG_BIN}/initdb`,
    ['-D', dataDir, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C'],
    { uid, gid, env: { LC_ALL: 'C', PATH: process.env.PATH } },
  );
  await rm(pwfile);
  const port = await freePort();
  const tls = opts.tls ? await serverCertificate(dir, 'postgres') : null;
  const settings = Object.entries({ listen_addresses: '127.0.0.1', ...(tls ? { ssl: 'on', ssl_cert_file: tls.cert, ssl_key_file: tls.key } : {}), ...opts.settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const child = start(`${PG_BIN}/postgres`, ['-D', dataDir, '-p', String(port), '-k', socketDir, ...settings], { user: 'postgres' });
  const query = async (sql: string, database = 'postgres') => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await retry('postgres', () => query('select 1'), child);
  return { host: '127.0.0.1', port, pid: child.pid!, dir, user: 'postgres', password, socketDir, dataDir, caFile: tls?.cert ?? null, query, stop: stopper(child, 'SIGINT', dir) };
}

export interface MariadbService extends RunningService {
  socket: string;
  /** With `tls`: the server's self-signed certificate, to verify its TLS against. */
  caFile: string | null;
  dataDir: string;
  /** A TCP user with every privilege (`'skylift'@'127.0.0.1'`). */
  user: string;
  password: string;
  /** Runs SQL as root over the unix socket with the mariadb client; returns its batch output. */
  sql(statements: string): Promise<string>;
}

/** mariadb-install-db into a temp dir, then mariadbd with --port/--socket/--datadir and binary logging on. */
export async function startMariadb(opts: { args?: string[]; tls?: boolean } = {}): Promise<MariadbService> {
  const dir = await serviceDir('skylift-mariadb-', 'mysql');
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  // Its own tmpdir: two installs sharing /tmp collide on their bootstrap temp tables.
  const tmp = path.join(dir, 'tmp');
  await mkdir(tmp);
  await chown(tmp, ids('mysql').uid, ids('mysql').gid);
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${dataDir}`, '--user=mysql', '--auth-root-authentication-method=socket', '--skip-test-db', `--tmpdir=${tmp}`], {
    env: { LC_ALL: 'C', PATH: process.env.PATH },
  });
  const port = await freePort();
  const tls = opts.tls ? await serverCertificate(dir, 'mysql') : null;
  const child = start(
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${port}`,
      `--socket=${socket}`,
      '--bind-address=127.0.0.1',
      `--log-bin=${path.join(dir, 'binlog')}`,
      '--server-id=1',
      '--binlog-format=ROW',
      `--pid-file=${path.join(dir, 'mariadbd.pid')}`,
      `--log-error=${path.join(dir, 'error.log')}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M',
      ...(tls ? [`--ssl-cert=${tls.cert}`, `--ssl-key=${tls.key}`] : []),
      ...(opts.args ?? []),
    ],
    { user: 'mysql' },
  );
  const sql = async (statements: string) =>
    (await run('mariadb', ['--protocol=socket', '-S', socket, '-uroot', '-N', '-B', '-e', statements], { env: { LC_ALL: 'C', PATH: process.env.PATH } })).stdout;
  await retry('mariadbd', () => sql('select 1'), child);
  const password = randomBytes(12).toString('hex');
  await sql(`create user 'skylift'@'127.0.0.1' identified by '${password}'; grant all on *.* to 'skylift'@'127.0.0.1' with grant option;`);
  return { host: '127.0.0.1', port, pid: child.pid!, dir, socket, dataDir, caFile: tls?.cert ?? null, user: 'skylift', password, sql, stop: stopper(child, 'SIGTERM', dir) };
}

/** redis-server as user redis, on a free port, its dir in a temp dir; `args` are extra `--name value` options. */
export async function startRedis(opts: { args?: string[] } = {}): Promise<RunningService> {
  const dir = await serviceDir('skylift-redis-', 'redis');
  const port = await freePort();
  const child = start('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...(opts.args ?? [])], { user: 'redis' });
  await retry('redis-server', async () => {
    if (!(await tcpRequest(port, 'PING\r\nQUIT\r\n')).startsWith('+PONG')) throw new Error('no PONG');
  }, child);
  return { host: '127.0.0.1', port, pid: child.pid!, dir, stop: stopper(child, 'SIGTERM', dir) };
}

/** memcached as user memcache on a free port. */
export async function startMemcached(opts: { memoryMb?: number } = {}): Promise<RunningService> {
  const dir = await serviceDir('skylift-memcached-', 'memcache');
  const port = await freePort();
  const child = start('/usr/bin/memcached', ['-p', String(port), '-l', '127.0.0.1', '-m', String(opts.memoryMb ?? 32), '-U', '0'], { user: 'memcache' });
  await retry('memcached', () => connectOnce(port), child);
  return { host: '127.0.0.1', port, pid: child.pid!, dir, stop: stopper(child, 'SIGTERM', dir) };
}

export interface NginxService extends RunningService {
  configFile: string;
}

/**
 * nginx with `-c <tmp>/nginx.conf` — master as root (workers as nobody), or wholly as `user`:
 * `http` is the body of the http block (server blocks…), `waitFor` the ports to wait on; `port`
 * is the first of them. Temp, log and pid paths all live in the temp dir.
 */
export async function startNginx(opts: { http: string | ((dir: string) => string); waitFor: number[]; dir?: string; user?: string }): Promise<NginxService> {
  const dir = opts.dir ?? (await serviceDir('skylift-nginx-', opts.user));
  const configFile = path.join(dir, 'nginx.conf');
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, `${name}-temp`)};`;
  const http = typeof opts.http === 'function' ? opts.http(dir) : opts.http;
  await writeFile(
    configFile,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')};`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `  ${temp(n)}`),
      http,
      '}',
      '',
    ].join('\n'),
  );
  if (opts.user) {
    const { uid, gid } = ids(opts.user);
    await chown(configFile, uid, gid);
  }
  const child = start('/usr/sbin/nginx', ['-c', configFile], { user: opts.user });
  for (const port of opts.waitFor) await retry('nginx', () => connectOnce(port), child);
  return { host: '127.0.0.1', port: opts.waitFor[0] ?? 0, pid: child.pid!, dir, configFile, stop: stopper(child, 'SIGQUIT', dir) };
}

/** A self-signed certificate (and its key) for `names`, written into `dir`. */
export async function makeSelfSignedCert(dir: string, names: string[], days = 30): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(days),
    '-subj', `/CN=${names[0] ?? 'localhost'}`, '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
  ]);
  await chmod(key, 0o600);
  return { cert, key };
}

export interface NodeAppService extends RunningService {
  /** The app's directory (its cwd). */
  appDir: string;
}

/**
 * A Node.js app: `files` written into a temp dir (paths relative to it), then `node <script>`
 * run with that dir as cwd and PORT set. The script must listen on process.env.PORT.
 */
export async function startNodeApp(opts: { files: Record<string, string>; script?: string; env?: Record<string, string> }): Promise<NodeAppService> {
  const dir = await serviceDir('skylift-app-');
  for (const [name, content] of Object.entries(opts.files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  const port = await freePort();
  const script = opts.script ?? 'server.js';
  if (!existsSync(path.join(dir, script))) throw new Error(`startNodeApp: ${script} is not among the files`);
  const child = start(process.execPath, [script], { cwd: dir, env: { ...opts.env, PORT: String(port) } });
  await retry('node app', () => connectOnce(port), child);
  return { host: '127.0.0.1', port, pid: child.pid!, dir, appDir: dir, stop: stopper(child, 'SIGTERM', dir) };
}
