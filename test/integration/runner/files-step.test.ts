/**
 * A plan's uploads copy applied by the runner: the bucket created through the AWS double, the
 * box directory behind a real sshd copied into it (`sync`), the copy cut by a killed SSH
 * connection (or a CLI killed -9) and resumed by a second apply that sends only what S3 lacks, the final
 * `sync-delta` after the box changed, and the copy back into the box directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import type { RunnerEvent } from '../../../electron/engine/runner/events.js';
import { aws, PlanBuilder } from '../../../shared/plan/builder.js';
import { filesCopy, filesCopyBack } from '../../../shared/plan/data-copy.js';
import type { Bucket } from '../../../shared/schema/design.js';
import type { Action, Plan } from '../../../shared/schema/plan.js';
import { startBox, type TestBox } from '../data/box.js';
import { diskFiles, s3Files as storedFiles, uploadsSince as uploadsIn } from '../data/files-compare.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { BOX_LABEL, boxSsh, migrationText, testPlan, testStep } from './plan-parts.js';
import { cliEnv, skylift, startCli, startResolvingProxy } from './cli.js';
import { s3State } from '../../support/aws-double/services/s3.js';

const isRoot = process.getuid?.() === 0;
const MiB = 1024 * 1024;
const BIG = 64 * MiB + 3;

/** The uploads bucket of a design, fed by the box directory: the actions come from shared/plan's own builders. */
const design = (dir: string, bucket: string): Bucket => ({ id: 'uploads', name: bucket, purpose: 'uploads', cloudfront: false, environment: 'web', sources: [{ label: BOX_LABEL, path: dir, sizeBytes: null }] });
const toS3 = (dir: string, bucket: string, phase: 'initial' | 'final'): Action[] => filesCopy(new PlanBuilder(), design(dir, bucket), phase);
const toBox = (dir: string, bucket: string): Action[] => filesCopyBack(new PlanBuilder(), design(dir, bucket));

/** Bucket, initial copy, final delta: the uploads part of a migration plan. */
const uploadsPlan = (name: string, dir: string, bucket: string): Plan =>
  testPlan(name, [
    testStep({ id: 'provision-bucket', phase: 'provision', actions: [aws('s3', 'CreateBucket', { Bucket: bucket })] }),
    testStep({ id: 'copy-uploads', phase: 'copy', dependsOn: ['provision-bucket'], actions: toS3(dir, bucket, 'initial') }),
    testStep({ id: 'final-sync-uploads', phase: 'final-sync', dependsOn: ['copy-uploads'], actions: toS3(dir, bucket, 'final') }),
  ]);

describe.skipIf(!isRoot)('files copy steps in apply', () => {
  let world: RunnerWorld;
  let box: TestBox;
  const s3Files = (bucket: string) => storedFiles(world.double, bucket, 'uploads/');
  const uploadsSince = (from: number) => uploadsIn(world.double, from);

  beforeAll(async () => {
    [world, box] = await Promise.all([startRunnerWorld({ speed: 2000, domain: 'files.example.test', appEnvironments: [] }), startBox()]);
  }, 120_000);

  afterAll(async () => {
    await box?.stop();
    await world?.close();
  });

  async function uploadsDir(name: string): Promise<string> {
    const dir = join(box.dir, name, 'public', 'uploads');
    for (let i = 0; i < 12; i++) {
      await mkdir(join(dir, `user ${i % 3}`), { recursive: true });
      await writeFile(join(dir, `user ${i % 3}`, `photo-${i}.jpg`), randomBytes(20_000 + i));
    }
    // Sorted last: the photos are in S3 before it streams. Larger than what is in flight at once (read-ahead, SSH window, the parts being uploaded).
    await writeFile(join(dir, 'user 2', 'zz-big.mp4'), randomBytes(BIG));
    return dir;
  }

  it('copies the directory into the bucket, then a second apply sends only the delta and deletes what the box deleted', async () => {
    const home = await newHome();
    const dir = await uploadsDir('steps');
    const bucket = 'files-step-uploads';
    const events: RunnerEvent[] = [];
    const first = await apply(uploadsPlan('files', dir, bucket), world.options(home, { ssh: boxSsh(box), until: 'copy', onEvent: (e) => events.push(e) }));
    expect(first.error?.message ?? null).toBeNull();
    expect(first.result).toBe('stopped');
    expect(s3Files(bucket)).toEqual(await diskFiles(dir));
    expect(events.some((e) => e.type === 'progress' && e.step === 'copy-uploads' && /files/.test(e.detail))).toBe(true);
    expect(events.some((e) => e.type === 'notice' && e.step === 'copy-uploads' && /checksums equal for 13 files/.test(e.message))).toBe(true);
    expect(await migrationText('files', home)).toMatch(/copy-uploads#0#files-verify/);

    await writeFile(join(dir, 'user 1', 'photo-1.jpg'), 'replaced');
    await writeFile(join(dir, 'user 2', 'new.png'), randomBytes(3000));
    await rm(join(dir, 'user 0', 'photo-3.jpg'));
    const before = world.double.calls.length;
    const last = await apply(uploadsPlan('files', dir, bucket), world.options(home, { ssh: boxSsh(box) }));
    expect(last.error?.message ?? null).toBeNull();
    expect(last.result).toBe('completed');
    expect(uploadsSince(before)).toBe(2);
    expect(s3Files(bucket)).toEqual(await diskFiles(dir));
  });

  it('fails the step when the SSH connection drops mid-copy; the next apply sends only what S3 lacks and ends equal', async () => {
    const home = await newHome();
    const dir = await uploadsDir('cut');
    const bucket = 'files-step-cut';
    let killer: Awaited<ReturnType<TestBox['connectionKiller']>> | null = null;
    let dropped = false;
    const events: RunnerEvent[] = [];
    const onEvent = (e: RunnerEvent): void => {
      events.push(e);
      if (e.type !== 'progress' || e.step !== 'copy-uploads') return;
      // The runner's own session is open once the copy reports; the kill lands inside the large file.
      if (!killer) void box.connectionKiller().then((k) => (killer = k));
      else if (!dropped && e.detail.endsWith('(user 2/zz-big.mp4)') && Number(/ (\d+)\/\d+ bytes/.exec(e.detail)?.[1]) > 8 * MiB) {
        dropped = true;
        killer.kill();
      }
    };
    const big = testPlan('cut', uploadsPlan('cut', dir, bucket).steps.slice(0, 2));
    const result = await apply(big, world.options(home, { ssh: boxSsh(box), onEvent }));
    expect(dropped).toBe(true);
    expect(result.result).toBe('failed');
    const failed = events.find((e) => e.type === 'step' && e.step === 'copy-uploads' && e.status === 'failed');
    expect(failed).toMatchObject({ error: expect.stringMatching(/SSH connection .* dropped/), hint: expect.stringMatching(/then run the copy again/) });
    const there = Object.keys(s3Files(bucket));
    expect(there).toHaveLength(12);
    expect(there).not.toContain('user 2/zz-big.mp4');

    const from = world.double.calls.length;
    const again = await apply(big, world.options(home, { ssh: boxSsh(box) }));
    expect(again.error?.message ?? null).toBeNull();
    expect(again.result).toBe('completed');
    const disk = await diskFiles(dir);
    expect(s3Files(bucket)).toEqual(disk);
    expect(uploadsSince(from)).toBe(Object.keys(disk).length - there.length);
  });

  it('resumes after the CLI process is killed -9 mid-upload: the next apply sends only what S3 lacks', async () => {
    const home = await newHome();
    const proxy = await startResolvingProxy(world.double);
    try {
      const dir = await uploadsDir('killed');
      const bucket = 'files-step-killed';
      const steps = uploadsPlan('killed', dir, bucket).steps.slice(0, 2);
      // Through the CLI the plan's box label is the SSH destination itself.
      const file = join(home, 'plan.json');
      await writeFile(file, JSON.stringify(testPlan('killed', JSON.parse(JSON.stringify(steps).replaceAll(JSON.stringify(BOX_LABEL), JSON.stringify(box.destination))))));
      const args = ['apply', file, '--yes', '--json', '--endpoint-url', world.double.endpoint, '--time-scale', String(20 / 2000), '-i', box.keyPath, '--known-hosts', box.knownHosts];
      const env = cliEnv(home, world.user, proxy.url);
      const cli = startCli(args, env);
      // Killed while the large file's multipart upload is under way.
      const state = () => s3State(world.double.world).buckets.get(bucket);
      while (!((state()?.uploads.size ?? 0) > 0) && cli.child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
      cli.child.kill('SIGKILL');
      expect((await cli.done).signal).toBe('SIGKILL');
      const there = Object.keys(s3Files(bucket));
      expect(there.length).toBeGreaterThan(0);
      expect(there).not.toContain('user 2/zz-big.mp4');

      const from = world.double.calls.length;
      const again = await skylift(args, env);
      expect(again.code, again.stderr).toBe(0);
      const disk = await diskFiles(dir);
      expect(s3Files(bucket)).toEqual(disk);
      expect(uploadsSince(from)).toBe(Object.keys(disk).length - there.length);
    } finally {
      await proxy.close();
    }
  });

  it('copies back from the bucket into the box directory, keeping files S3 does not have', async () => {
    const home = await newHome();
    const dir = await uploadsDir('back');
    const bucket = 'files-step-back';
    const steps = [...uploadsPlan('back', dir, bucket).steps.slice(0, 2), testStep({ id: 'copy-back-uploads', phase: 'watch', dependsOn: ['copy-uploads'], actions: toBox(dir, bucket) })];
    // Writes on AWS after the switch: a new object, and one file deleted there.
    const events: RunnerEvent[] = [];
    const first = await apply(testPlan('back', steps), world.options(home, { ssh: boxSsh(box), until: 'copy' }));
    expect(first.result).toBe('stopped');
    const s3 = new S3Client({ region: 'us-east-1', endpoint: world.double.endpoint, forcePathStyle: true, credentials: { accessKeyId: world.user.accessKeyId, secretAccessKey: world.user.secretAccessKey } });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/user 1/from-aws.txt', Body: 'written on AWS' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'uploads/user 2/photo-2.jpg' }));
    s3.destroy();
    const result = await apply(testPlan('back', steps), world.options(home, { ssh: boxSsh(box), onEvent: (e) => events.push(e) }));
    expect(result.error?.message ?? null).toBeNull();
    expect(result.result).toBe('completed');
    expect(await readFile(join(dir, 'user 1', 'from-aws.txt'), 'utf8')).toBe('written on AWS');
    expect(await readFile(join(dir, 'user 2', 'photo-2.jpg'))).toHaveLength(20_002);
    expect(events.some((e) => e.type === 'notice' && e.step === 'copy-back-uploads' && /1 files created, 0 replaced, 12 unchanged, 1 left in place/.test(e.message))).toBe(true);
  });

  it('refuses an EFS target up front with a typed error, before any step runs', async () => {
    const home = await newHome();
    const efs: Action = { kind: 'data-copy', engine: 'files', method: 'sync', source: { host: BOX_LABEL, path: '/srv/uploads' }, target: { fileSystemId: 'fs-123', path: '/uploads', via: 'an app instance' }, notes: [] };
    await expect(apply(testPlan('efs', [testStep({ id: 'copy-efs', phase: 'copy', actions: [efs] })]), world.options(home, { ssh: boxSsh(box) }))).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION', message: expect.stringMatching(/copy-efs: copy files \(sync\)/) });
  });
});
