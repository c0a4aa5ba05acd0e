/**
 * The source box for the data tests: this machine behind a real sshd (root, key login), and
 * helpers to drop its connections mid-copy and to compare data independently of Skylift's own
 * checksums.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { connect, type SshSession } from '../../../electron/engine/ssh/index.js';
import { authorizeKey, makeUserKey, startSshd, tempDir, type TestSshd } from '../../support/sshd.js';

export interface TestBox {
  sshd: TestSshd;
  dir: string;
  keyPath: string;
  knownHosts: string;
  destination: string;
  open(): Promise<SshSession>;
  /**
   * The sshd processes serving connections now (not the listener); `kill()` SIGKILLs them at
   * once, synchronously, so that a test can cut a session from inside a progress callback.
   */
  connectionKiller(): Promise<{ count: number; kill: () => void }>;
  stop(): Promise<void>;
}

export async function startBox(): Promise<TestBox> {
  const dir = await tempDir('skylift-data-');
  const sshd = await startSshd({ logLevel: 'INFO' });
  const key = await makeUserKey(dir, { type: 'ed25519' });
  await authorizeKey(sshd, 'root', key.publicKey);
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const destination = `root@127.0.0.1:${sshd.port}`;
  const sessions: SshSession[] = [];
  return {
    sshd,
    dir,
    keyPath: key.path,
    knownHosts,
    destination,
    async open() {
      const s = await connect({ destination, identityFiles: [key.path], knownHostsPath: knownHosts, userKnownHostsPath: null, sshConfigPath: null, agent: null, connectTimeoutMs: 10_000 });
      sessions.push(s);
      return s;
    },
    async connectionKiller() {
      const listener = Number((await readFile(join(sshd.dir, 'sshd.pid'), 'utf8')).trim());
      const procs: { pid: number; ppid: number; comm: string }[] = [];
      for (const entry of await readdir('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
        const ppid = Number(/^PPid:\s*(\d+)/m.exec(status)?.[1]);
        const comm = /^Name:\s*(\S+)/m.exec(status)?.[1] ?? '';
        if (status) procs.push({ pid: Number(entry), ppid, comm });
      }
      // The per-connection sshd processes (OpenSSH ≥ 9.8 names them sshd-session), any depth below the listener.
      const below = new Set([listener]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const p of procs) if (!below.has(p.pid) && below.has(p.ppid)) below.add(p.pid), (grew = true);
      }
      const victims = procs.filter((p) => p.pid !== listener && below.has(p.pid) && p.comm.startsWith('sshd'));
      const kill = (pid: number): void => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already (a transient privilege-separation child).
        }
      };
      return { count: victims.length, kill: () => victims.forEach((p) => kill(p.pid)) };
    },
    async stop() {
      await Promise.all(sessions.map((s) => s.close()));
      await sshd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every row of every user table, hashed in a fixed order by the test itself (string_agg over
 * the sorted row texts): an independent check of what Skylift's verification claims.
 */
export async function pgTableDigests(client: pg.Client): Promise<Record<string, string>> {
  await client.query("set timezone = 'UTC'; set extra_float_digits = 3; set datestyle = 'ISO'; set bytea_output = 'hex'");
  const tables = await client.query<{ name: string }>(
    "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1",
  );
  const out: Record<string, string> = {};
  for (const { name } of tables.rows) {
    const r = await client.query<{ n: string; h: string | null }>(`select count(*)::text as n, md5(string_agg(x::text, E'\\n' order by x::text)) as h from ${name} x`);
    out[name] = `${r.rows[0]!.n}:${r.rows[0]!.h ?? ''}`;
  }
  return out;
}

export async function withPg<T>(config: pg.ClientConfig, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
