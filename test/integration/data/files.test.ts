/**
 * The uploads copy against real things: a directory on the box behind a real sshd (nested
 * directories, a file of three parts, names with spaces, quotes, a newline and non-ASCII
 * letters, symlinks, a FIFO) copied into the AWS double's S3. What S3 holds is compared with the
 * disk by the test itself (sha256 of both sides), not by Skylift's own verification.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaggedBucket } from '../../../electron/engine/aws/s3.js';
import { syncFilesToS3, type FilesEvent, type FilesTarget } from '../../../electron/engine/data/copy-files.js';
import { copyFilesBack } from '../../../electron/engine/data/files-copy-back.js';
import { DataError } from '../../../shared/data/data-error.js';
import { s3State } from '../../support/aws-double/services/s3.js';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { startBox, type TestBox } from './box.js';
import { diskFiles, s3Files as storedFiles, sha, uploadsSince as uploadsIn } from './files-compare.js';

const isRoot = process.getuid?.() === 0;
const BUCKET = 'skylift-files-test';
const PART = 5 * 1024 * 1024;
const BIG = 9 * PART + 5;
const run = promisify(execFile);
const ODD = ['with space.txt', `quote's "double".txt`, 'ünïcødé 文件.txt', 'new\nline.txt', '-dash.txt', 'back\\slash *?.txt'];

describe.skipIf(!isRoot)('files copy: box directory → S3 and back', () => {
  let box: TestBox;
  let session: DoubleSession;
  let src: string;
  const target = (prefix: string): FilesTarget => ({ s3: session.clients.s3, bucket: BUCKET, prefix });
  const s3Files = (prefix: string) => storedFiles(session.double, BUCKET, prefix);
  const uploadsSince = (from: number) => uploadsIn(session.double, from);

  beforeAll(async () => {
    [box, session] = await Promise.all([startBox(), startDoubleSession({ migrationId: 'files-test' })]);
    await createTaggedBucket(session.clients, BUCKET);
    src = join(box.dir, 'var', 'www', 'app', 'uploads');
    for (const [path, data] of [
      ['a/b/c/deep.txt', Buffer.from('deep\n')],
      ['2024/01/photo.jpg', randomBytes(50_000)],
      // Far more than the reader, the SSH window and the upload's parts hold at once: a kill lands while the box still sends it.
      ['big/video.bin', randomBytes(BIG)],
      ['empty', Buffer.alloc(0)],
      ...ODD.map((n, i) => [n, Buffer.from(`odd ${i}\n`)] as const),
      ...Array.from({ length: 25 }, (_, i) => [`many/f${String(i).padStart(2, '0')}.txt`, randomBytes(1000 + i)] as const),
    ] as const) {
      await mkdir(join(src, path, '..'), { recursive: true });
      await writeFile(join(src, path), data);
    }
    await symlink('a', join(src, 'link-to-dir'));
    await symlink('2024/01/photo.jpg', join(src, 'logo.jpg'));
    await run('mkfifo', [join(src, 'a', 'pipe')]);
  }, 120_000);

  afterAll(async () => {
    await box?.stop();
    await session?.close();
  });

  it('copies every regular file with equal checksums, in parts for the large one, and reports links and FIFOs', async () => {
    const ssh = await box.open();
    const events: FilesEvent[] = [];
    const result = await syncFilesToS3({ session: ssh, dir: src, target: target('uploads/'), method: 'sync', partSize: PART, onEvent: (e) => events.push(e) });

    const disk = await diskFiles(src);
    expect(Object.keys(disk)).toHaveLength(4 + ODD.length + 25);
    expect(s3Files('uploads/')).toEqual(disk);
    expect(result).toMatchObject({ files: Object.keys(disk).length, uploaded: Object.keys(disk).length, deleted: 0, verify: { ok: true, files: Object.keys(disk).length, mismatches: [] } });
    expect(result.symlinks.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'link-to-dir', target: 'a' },
      { path: 'logo.jpg', target: '2024/01/photo.jpg' },
    ]);
    expect(result.skipped).toEqual([{ path: 'a/pipe', why: 'it is a FIFO' }]);
    expect(events.some((e) => e.type === 'notice' && /2 symbolic links .* not copied/.test(e.message))).toBe(true);
    expect(events.some((e) => e.type === 'progress' && e.phase === 'verify')).toBe(true);

    const objects = s3State(session.double.world).buckets.get(BUCKET)!.objects;
    expect(objects.get('uploads/big/video.bin')!.etag).toMatch(new RegExp(`-${Math.ceil(BIG / PART)}"$`));
    const st = await stat(join(src, 'with space.txt'), { bigint: true });
    expect(objects.get('uploads/with space.txt')!.metadata).toEqual({
      'skylift-sha256': disk['with space.txt'],
      'skylift-mtime': `${st.mtimeNs / 1_000_000_000n}.${String(st.mtimeNs % 1_000_000_000n).padStart(9, '0')}`,
      'skylift-mode': (Number(st.mode) & 0o7777).toString(8),
    });

    // Run again: nothing is sent twice.
    const before = session.double.calls.length;
    const again = await syncFilesToS3({ session: ssh, dir: src, target: target('uploads/'), method: 'sync', partSize: PART });
    expect(again.uploaded).toBe(0);
    expect(uploadsSince(before)).toBe(0);
  });

  it('resumes after the SSH connection is killed mid-file: ends equal, and files finished before the kill are not uploaded again', async () => {
    const ssh = await box.open();
    const killer = await box.connectionKiller();
    let killed = false;
    const start = session.double.calls.length;
    const err = await syncFilesToS3({
      session: ssh,
      dir: src,
      target: target('resume/'),
      method: 'sync',
      partSize: PART,
      onEvent: (e) => {
        // Inside the large file: the files sorted before it (2024/…, a/…) are already in S3.
        if (!killed && e.type === 'progress' && e.phase === 'copy' && e.current === 'big/video.bin' && e.bytes > 60_000 + PART) {
          killed = true;
          killer.kill();
        }
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(killed).toBe(true);
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ code: 'SSH_LOST', hint: expect.stringMatching(/run the copy again/) });
    const bucket = s3State(session.double.world).buckets.get(BUCKET)!;
    expect(bucket.uploads.size).toBe(0); // The cut multipart upload was aborted.
    const finished = Object.keys(s3Files('resume/'));
    expect(finished).toEqual(expect.arrayContaining(['2024/01/photo.jpg', 'a/b/c/deep.txt']));
    expect(finished).not.toContain('big/video.bin');
    const disk = await diskFiles(src);
    for (const path of finished) expect(s3Files('resume/')[path]).toBe(disk[path]);
    const uploadsBeforeKill = uploadsSince(start);

    const resumedFrom = session.double.calls.length;
    const result = await syncFilesToS3({ session: await box.open(), dir: src, target: target('resume/'), method: 'sync', partSize: PART });
    expect(s3Files('resume/')).toEqual(disk);
    expect(result.uploaded).toBe(Object.keys(disk).length - finished.length);
    expect(uploadsSince(resumedFrom)).toBe(Object.keys(disk).length - finished.length);
    expect(uploadsBeforeKill).toBeGreaterThanOrEqual(finished.length);
  });

  it('sync-delta sends only changed and new files, deletes objects of deleted files, and repairs a change that kept size and time', async () => {
    const ssh = await box.open();
    await writeFile(join(src, 'many/f01.txt'), randomBytes(4321));
    await writeFile(join(src, 'new file ✓.txt'), 'new\n');
    await rm(join(src, 'many/f02.txt'));
    // Same size, same mtime, other bytes: invisible to the size+time comparison, caught by the checksums.
    const sneaky = join(src, 'many/f03.txt');
    await writeFile(join(box.dir, 'time-ref'), '');
    await run('touch', ['-r', sneaky, join(box.dir, 'time-ref')]);
    await writeFile(sneaky, randomBytes((await stat(sneaky)).size));
    await run('touch', ['-r', join(box.dir, 'time-ref'), sneaky]);

    const before = session.double.calls.length;
    const events: FilesEvent[] = [];
    const result = await syncFilesToS3({ session: ssh, dir: src, target: target('uploads/'), method: 'sync-delta', partSize: PART, onEvent: (e) => events.push(e) });
    expect(result.uploaded).toBe(2);
    expect(result.deleted).toBe(1);
    expect(uploadsSince(before)).toBe(3); // the two, and the repair of the third
    expect(events.some((e) => e.type === 'notice' && /many\/f03.txt: sha256 differs/.test(e.message))).toBe(true);
    expect(result.verify).toMatchObject({ ok: true, mismatches: [] });
    expect(s3Files('uploads/')).toEqual(await diskFiles(src));
  });

  it('copies back into the box directory what changed on AWS, keeps what S3 no longer has, and never follows a bad key or replaces a symlink', async () => {
    const ssh = await box.open();
    const s3 = session.clients.s3;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/written-on-aws/avatar.png', Body: randomBytes(7000) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/with space.txt', Body: 'rewritten on AWS\n' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/logo.jpg', Body: 'not over the link' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'uploads/a/b/c/deep.txt' }));
    // A key S3 accepts and a shell or tar must never take as a path.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/../escape.txt', Body: 'out' }));
    // A name an app user chose, under a directory that is a symlink on the box (it could point anywhere).
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/link-to-dir/via-link.txt', Body: 'through the link' }));

    const result = await copyFilesBack({ session: ssh, source: target('uploads/'), dir: src });
    expect(result.created).toEqual(['written-on-aws/avatar.png']);
    expect(result.replaced).toEqual(['with space.txt']);
    expect(result.boxOnly).toEqual(['a/b/c/deep.txt']);
    expect(result.skipped.map((s) => s.path).sort()).toEqual(['../escape.txt', 'link-to-dir/via-link.txt', 'logo.jpg']);
    expect(result.unchanged).toBe(Object.keys(s3Files('uploads/')).length - 5);

    const disk = await diskFiles(src);
    const { ['../escape.txt']: _, ['logo.jpg']: __, ['link-to-dir/via-link.txt']: ___, ...inS3 } = s3Files('uploads/');
    for (const [path, hash] of Object.entries(inS3)) expect(disk[path], path).toBe(hash);
    expect(disk['a/b/c/deep.txt']).toBe(sha(Buffer.from('deep\n')));
    expect((await lstat(join(src, 'logo.jpg'))).isSymbolicLink()).toBe(true);
    await expect(stat(join(src, '..', 'escape.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(src, 'a', 'via-link.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
