import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runAxe } from '../support/e2e-host/session.js';
import { sampleToExportedPlan } from './flows/sample-flow.js';

const root = resolve(import.meta.dirname, '../..');

/**
 * The Electron binary, if one is installed. Read from the package's files rather than
 * `require('electron')`, which would try to download a missing binary.
 */
function electronBinary(): { path: string } | { missing: string } {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, exe ?? 'electron') : exe ? join(dir, 'dist', exe) : null;
  if (path && existsSync(path)) return { path };
  return { missing: `no Electron binary is installed (${path ?? pathFile} is missing): electron 45 downloads it on first use, which needs network access this machine does not have` };
}

/** The same wizard flow through Playwright's Electron launcher: real main, real preload, real IPC. */
describe('wizard in Electron', () => {
  const binary = electronBinary();
  const built = existsSync(join(root, 'dist', 'preload.cjs')) && existsSync(join(root, 'dist', 'renderer', 'index.html'));

  it('walks from a sample box to an exported plan through the real preload and IPC', async (ctx) => {
    if ('missing' in binary) ctx.skip(binary.missing);
    if (!built) ctx.skip('the app is not built: run npm run build:app first');
    const home = await mkdtemp(join(tmpdir(), 'skylift-electron-'));
    const exportDir = join(home, 'exports');
    const shots = join(root, 'test-results', 'e2e', 'electron');
    await mkdir(shots, { recursive: true });
    const app = await _electron.launch({ executablePath: (binary as { path: string }).path, args: [root], env: { ...process.env, SKYLIFT_HOME: join(home, 'data') } });
    try {
      // The native save dialog cannot be driven: answer it in main with a folder under exportDir.
      await app.evaluate(({ dialog }, dir) => {
        dialog.showSaveDialog = (async (...args: unknown[]) => {
          const options = args.at(-1) as { defaultPath: string };
          return { canceled: false, filePath: `${dir}/${options.defaultPath.split('/').at(-1)}` };
        }) as typeof dialog.showSaveDialog;
      }, exportDir);
      await mkdir(exportDir, { recursive: true });
      const page = await app.firstWindow();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      let n = 0;
      await sampleToExportedPlan(page, { shot: (name) => page.screenshot({ path: join(shots, `${String(++n).padStart(2, '0')}-${name}.png`) }).then(() => undefined), axe: () => runAxe(page), exportDir });
      expect(problems).toEqual([]);
    } finally {
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
