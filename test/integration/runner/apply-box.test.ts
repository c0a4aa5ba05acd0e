/**
 * The real flow against the live test box: `skylift inventory` over SSH, `skylift plan` (the
 * Socket.IO app under PM2; its databases and caches are other tests' concern), then `skylift
 * apply` through deploy and verify on the AWS double — the code bundled on the box, the eb/
 * files laid over it, secrets read from the box straight into SSM — and `skylift rollback`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inventory } from '../../../shared/schema/inventory.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { DEFAULT_ACCOUNT, startAwsDouble, type AwsDouble, type DoubleCredentials } from '../../support/aws-double/index.js';
import { ebState } from '../../support/aws-double/services/eb-state.js';
import { findObject } from '../../support/aws-double/services/s3.js';
import { authorizeKey, makeUserKey, startSshd, tempDir, type TestSshd } from '../../support/sshd.js';
import { startTestBox, type TestBox } from '../../support/test-box.js';
import { Journal } from '../../../electron/engine/runner/journal.js';
import { cliEnv, skylift, startResolvingProxy, type CliRun } from './cli.js';

const isRoot = process.getuid?.() === 0;
const SPEED = 2000;

/** File names in a zip, read from its central directory. */
function zipEntries(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let p = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(p + 10);
  p = zip.readUInt32LE(p + 16);
  for (let i = 0; i < count; i++) {
    const nameLen = zip.readUInt16LE(p + 28);
    const extra = zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const local = zip.readUInt32LE(p + 42);
    const size = zip.readUInt32LE(p + 20);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.set(name, inflateRawSync(zip.subarray(start, start + size)));
    p += 46 + nameLen + extra;
  }
  return out;
}

describe.skipIf(!isRoot)('apply and rollback of the test box\'s plan', () => {
  let box: TestBox;
  let sshd: TestSshd;
  let double: AwsDouble;
  let user: DoubleCredentials;
  let proxy: Awaited<ReturnType<typeof startResolvingProxy>>;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let ssh: string[];
  let plan: Plan;
  let planDir: string;
  let applied: CliRun;
  const outputs: string[] = [];

  beforeAll(async () => {
    [box, sshd, home, double] = await Promise.all([startTestBox(), startSshd(), tempDir('skylift-box-home-'), startAwsDouble({ speed: SPEED })]);
    user = double.createUser();
    proxy = await startResolvingProxy(double);
    env = cliEnv(home, user, proxy.url);
    const key = await makeUserKey(home, { type: 'ed25519', name: 'operator' });
    await authorizeKey(sshd, 'root', key.publicKey);
    const dest = `root@127.0.0.1:${sshd.port}`;
    ssh = ['-i', key.path, '--accept-new'];
    const inv = await skylift(['inventory', dest, ...ssh, '--json', '-o', join(home, 'inventory.json')], env);
    expect(inv.code, inv.stderr).toBe(0);
    const full = Inventory.parse(JSON.parse(await readFile(join(home, 'inventory.json'), 'utf8')));
    const app = full.apps.find((a) => a.dir === box.pm2App.dir)!;
    const only: Inventory = { ...full, apps: [app], databases: { ...full.databases, postgres: [], mysql: [] }, caches: { ...full.caches, redis: [], memcached: [] }, cron: [] };
    await writeFile(join(home, 'app.json'), JSON.stringify(only));
    await writeFile(join(home, 'answers.json'), JSON.stringify({ 'migration.name': 'demo', 'dns.domains': [], [`app.${app.name}.dir.uploads`]: 'ephemeral', [`app.${app.name}.minInstances`]: 1 }));
    planDir = join(home, 'plan');
    const planned = await skylift(['plan', '--inventory', join(home, 'app.json'), '--answers', join(home, 'answers.json'), '-o', planDir], env);
    expect(planned.code, planned.stderr).toBe(0);
    plan = JSON.parse(await readFile(join(planDir, 'plan.json'), 'utf8')) as Plan;
    const envName = plan.steps.flatMap((s) => s.actions).find((a) => a.kind === 'aws' && a.operation === 'CreateEnvironment' && a.kind === 'aws')!;
    double.backends.apps.set((envName as { params: { EnvironmentName: string } }).params.EnvironmentName, { host: '127.0.0.1', port: box.pm2App.port });
    applied = await skylift(['apply', join(planDir, 'plan.json'), '--until', 'verify', '--yes', '--json', '--endpoint-url', double.endpoint, '--time-scale', String(20 / SPEED), ...ssh], env);
    outputs.push(applied.stdout, applied.stderr);
  }, 600_000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all([box?.stop(), sshd?.stop(), double?.close()]);
  });

  it('deploys the code from the box with the eb/ files, without node_modules or .env, and it answers through the load balancer', () => {
    expect(applied.code, applied.stderr).toBe(0);
    const state = ebState(double.world, DEFAULT_ACCOUNT, 'us-east-1');
    const envRec = [...state.environments.values()].find((e) => e.env.Status === 'Ready')!;
    expect(envRec.env.VersionLabel).toMatch(/^skylift-demo-api-/);
    const version = [...state.versions.values()].find((v) => v.VersionLabel === envRec.env.VersionLabel)!;
    const bundle = findObject(double.world, 'us-east-1', version.SourceBundle!.S3Bucket!, version.SourceBundle!.S3Key!)!;
    const files = zipEntries(bundle);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['server.js', 'package.json', 'ecosystem.config.js', 'Procfile']));
    expect([...files.keys()].some((f) => f.startsWith('.ebextensions/'))).toBe(true);
    expect([...files.keys()].filter((f) => f.startsWith('node_modules') || f.startsWith('.env') || f.startsWith('uploads'))).toEqual([]);
    const events = applied.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; step?: string; status?: string; message?: string });
    expect(events.some((e) => e.type === 'step' && e.step === 'verify-skylift-demo-api' && e.status === 'done')).toBe(true);
    const verified = Journal.read(join(home, 'migrations', 'demo')).flatMap((r) => (r.type === 'note' && r.step === 'verify-skylift-demo-api' ? [r.message] : []));
    expect(verified).toEqual(expect.arrayContaining([expect.stringMatching(/^verified http: .* answered 200/), expect.stringMatching(/^verified websocket: .*101 Switching Protocols/)]));
    expect(events.some((e) => e.type === 'aws-event' && /Successfully launched environment/.test(e.message ?? ''))).toBe(true);
  });

  it('puts the secrets in SSM as SecureStrings and nowhere else', async () => {
    const ssm = [...double.world.all<{ parameters: Map<string, { parameter: { Name?: string; Type?: string; Value?: string } }> }>('ssm')].flatMap(({ state }) => [...state.parameters.values()].map((p) => p.parameter));
    const values = ssm.map((p) => p.Value);
    expect(ssm.every((p) => p.Type === 'SecureString')).toBe(true);
    expect(values).toEqual(expect.arrayContaining(box.pm2App.secrets.filter((s) => /ECOSYS|JWT|DBPASS/.test(s))));
    const journal = await readFile(join(home, 'migrations', 'demo', 'journal.jsonl'), 'utf8');
    const log = await skylift(['log', 'demo'], env);
    const status = await skylift(['status', 'demo', '--no-aws'], env);
    const everything = [...outputs, journal, log.stdout, log.stderr, status.stdout, await readFile(join(home, 'migrations', 'demo', 'plan.json'), 'utf8')].join('\n');
    for (const s of box.allSecrets()) expect(everything).not.toContain(s);
    expect(log.stdout).toContain('ssm:PutParameter');
    expect(log.stdout).toContain('elasticbeanstalk:CreateEnvironment');
  });

  it('rolls back: the environment, application, roles and parameters are gone', async () => {
    const back = await skylift(['rollback', 'demo', '--yes', '--json', '--endpoint-url', double.endpoint, '--time-scale', String(20 / SPEED), ...ssh], env);
    expect(back.code, back.stderr).toBe(0);
    const state = ebState(double.world, DEFAULT_ACCOUNT, 'us-east-1');
    expect([...state.environments.values()].filter((e) => e.env.Status !== 'Terminated')).toEqual([]);
    expect([...state.applications.keys()]).toEqual([]);
    const ssm = [...double.world.all<{ parameters: Map<string, unknown> }>('ssm')].flatMap(({ state: s }) => [...s.parameters.keys()]);
    expect(ssm).toEqual([]);
    const status = await skylift(['status', 'demo', '--json', '--endpoint-url', double.endpoint], env);
    const doc = JSON.parse(status.stdout) as { steps: { state: string }[]; resources: { exists: boolean | null }[] };
    expect(doc.steps.every((s) => s.state === 'undone' || s.state === 'pending')).toBe(true);
    expect(doc.resources.filter((r) => r.exists === true)).toEqual([]);
  });
});
