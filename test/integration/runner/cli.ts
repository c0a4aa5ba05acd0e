/**
 * The real `skylift` CLI as a child process against the AWS double: its environment (data
 * directory, keys, a CONNECT proxy that resolves load balancer names through the double), a
 * runner that collects its output, and a kill -9 at a chosen journal length.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { AwsDouble, DoubleCredentials } from '../../support/aws-double/index.js';

const REPO = resolve(import.meta.dirname, '../../..');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * An HTTP CONNECT proxy that sends each tunnel where the double says the name lands (an
 * environment's load balancer listener); with `box`, names the double does not serve land on the
 * box's address at the same port, as public DNS sends the box's own names to the box.
 */
export async function startResolvingProxy(double: AwsDouble, box?: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  const sockets = new Set<Socket>();
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    const [host = '', port = '80'] = (req.url ?? '').split(':');
    double.resolve(host, Number(port)).catch((err: unknown) => (box ? { host: box, port: Number(port) } : Promise.reject(err))).then(
      (to) => {
        const upstream = connect(to.port, to.host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (head.length) upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        const end = () => (upstream.destroy(), client.destroy());
        upstream.on('error', end);
        client.on('error', end);
        client.on('close', end);
      },
      () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function cliEnv(home: string, user: DoubleCredentials, proxy: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SKYLIFT_HOME: home,
    AWS_ACCESS_KEY_ID: user.accessKeyId,
    AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_PROFILE: '',
    HTTPS_PROXY: proxy,
    NO_PROXY: '',
  };
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [join(REPO, 'bin/skylift.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, done };
}

export const skylift = (args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> => startCli(args, env).done;

const journalLines = (file: string): number => {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
};

/** Starts the CLI and kill -9s it once its journal holds `records` lines (or lets it finish if it never gets there). */
export async function killAt(args: string[], env: NodeJS.ProcessEnv, journal: string, records: number): Promise<{ killed: boolean; run: CliRun }> {
  const { child, done } = startCli(args, env);
  let killed = false;
  const watch = setInterval(() => {
    if (!killed && journalLines(journal) >= records) {
      killed = true;
      child.kill('SIGKILL');
    }
  }, 1);
  const run = await done;
  clearInterval(watch);
  return { killed, run };
}
