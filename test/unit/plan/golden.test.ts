import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../../../shared/samples/index.js';
import { runPlan } from './run-plan.js';

/** Expected exports per bundled sample, byte for byte. Regenerate with UPDATE_GOLDEN=1 and review the diff. */
const GOLDEN = join(import.meta.dirname, '../../fixtures/golden');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('golden exports of the bundled samples', () => {
  for (const [name, inventory] of Object.entries(SAMPLES)) {
    it(`${name}: every exported file matches test/fixtures/golden/${name}`, () => {
      const { files } = runPlan([inventory]);
      const dir = join(GOLDEN, name);
      if (process.env.UPDATE_GOLDEN === '1') {
        rmSync(dir, { recursive: true, force: true });
        for (const [path, content] of Object.entries(files)) {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), content);
        }
      }
      expect(listFiles(dir)).toEqual(Object.keys(files).sort());
      for (const [path, content] of Object.entries(files)) {
        expect(readFileSync(join(dir, path), 'utf8'), path).toBe(content);
      }
    });
  }
});
