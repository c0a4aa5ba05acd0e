import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unzip } from '../../../electron/engine/doctor/bundle.js';
import { zip } from '../../../electron/engine/runner/source-bundle.js';

describe('unzip', () => {
  it('reads back what the runner zips, with modes', () => {
    const files = [
      { path: 'package.json', mode: 0o644, data: Buffer.from('{"dependencies":{}}') },
      { path: '.platform/hooks/predeploy/01.sh', mode: 0o755, data: Buffer.from('#!/bin/sh\n') },
    ];
    expect(unzip(zip(files))).toEqual(files);
  });

  it('reads a zip another tool made: stored and deflated entries, directory entries skipped', () => {
    const script = [
      'import io, sys, zipfile',
      'b = io.BytesIO()',
      'with zipfile.ZipFile(b, "w") as z:',
      '    z.writestr(zipfile.ZipInfo("app/"), "")',
      '    z.writestr("app/a.txt", "stored " * 10, compress_type=zipfile.ZIP_STORED)',
      '    z.writestr("app/b.txt", "deflated " * 100, compress_type=zipfile.ZIP_DEFLATED)',
      'sys.stdout.buffer.write(b.getvalue())',
    ].join('\n');
    const files = unzip(execFileSync('python3', ['-c', script]));
    expect(files.map((f) => [f.path, f.data.toString()])).toEqual([
      ['app/a.txt', 'stored '.repeat(10)],
      ['app/b.txt', 'deflated '.repeat(100)],
    ]);
  });

  it('refuses what is not a zip, saying what to do', () => {
    expect(() => unzip(Buffer.from('not a zip'))).toThrow(/not a zip file/);
  });
});
