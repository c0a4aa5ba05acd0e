/** The box listing's parser (GNU find's NUL-separated output), time normalisation, and the batches the runner journals. */
import { describe, expect, it } from 'vitest';
import { batchesOf } from '../../../electron/engine/data/copy-files.js';
import { normalMtime, parseListing, type BoxFile } from '../../../electron/engine/data/files-box.js';

const rec = (...fields: (string | Buffer)[]): Buffer => Buffer.concat(fields.map((f) => Buffer.concat([Buffer.isBuffer(f) ? f : Buffer.from(f, 'utf8'), Buffer.from([0])])));

describe('parseListing', () => {
  it('sorts entries into files, symlinks and skipped ones, keeping any UTF-8 name as is', () => {
    const out = Buffer.concat([
      rec('33', '44'),
      rec('f', '12', '1700000000.1234567890', '644', 'a b/new\nline "q".txt', ''),
      rec('l', '9', '1700000000.0000000000', '777', 'logo.png', '../shared/logo.png'),
      rec('p', '0', '1700000000.0000000000', '600', 'run/pipe', ''),
      rec('f', '3', '1700000000.0000000000', '600', Buffer.from([0x66, 0xff, 0x2e, 0x74]), ''),
    ]);
    const tree = parseListing(out);
    expect(tree.uid).toBe(33);
    expect(tree.gid).toBe(44);
    expect([...tree.files.values()]).toEqual([{ path: 'a b/new\nline "q".txt', size: 12, mtime: '1700000000.123456789', mode: 0o644 }]);
    expect(tree.symlinks).toEqual([{ path: 'logo.png', target: '../shared/logo.png' }]);
    expect(tree.skipped).toEqual([
      { path: 'run/pipe', why: 'it is a FIFO' },
      { path: 'f\uFFFD.t', why: 'its name is not valid UTF-8 (S3 keys are)' },
    ]);
  });

  it('reads an empty directory', () => {
    expect(parseListing(rec('0', '0')).files.size).toBe(0);
  });
});

describe('normalMtime', () => {
  it('writes every time with nine decimals, so that find and tar times compare as text', () => {
    expect(normalMtime('1700000000')).toBe('1700000000.000000000');
    expect(normalMtime('1700000000.5')).toBe('1700000000.500000000');
    expect(normalMtime('1700000000.1234567890')).toBe('1700000000.123456789');
    expect(normalMtime('1795707456.767762453')).toBe('1795707456.767762453');
  });
});

describe('batchesOf', () => {
  const files: BoxFile[] = Array.from({ length: 25 }, (_, i) => ({ path: `f${String(i).padStart(2, '0')}`, size: i === 7 ? 900 : 10, mtime: '1.000000000', mode: 0o644 }));

  it('cuts at the file count and at the byte limit, never leaving a batch empty', () => {
    const batches = batchesOf(files, { files: 10, bytes: 1000 });
    expect(batches.map((b) => b.files.length)).toEqual([10, 10, 5]);
    expect(batchesOf(files, { files: 100, bytes: 500 }).map((b) => b.files.length)).toEqual([7, 1, 17]);
    expect(batchesOf([{ ...files[0]!, size: 5000 }], { files: 10, bytes: 100 }).map((b) => b.files.length)).toEqual([1]);
  });

  it('names a batch by what it holds: the same tree gives the same ids, a changed batch a new one', () => {
    const a = batchesOf(files, { files: 10, bytes: 1e9 }).map((b) => b.id);
    expect(batchesOf(files, { files: 10, bytes: 1e9 }).map((b) => b.id)).toEqual(a);
    const changed = batchesOf(files.filter((f) => f.path !== 'f23'), { files: 10, bytes: 1e9 }).map((b) => b.id);
    expect(changed.slice(0, 2)).toEqual(a.slice(0, 2));
    expect(changed[2]).not.toBe(a[2]);
  });
});
