/**
 * `npm run bench:ui` (not in CI): in one Chromium run,
 * 1. navigation → first interactive wizard step, against a minimal React page served the same way (goal ≤ 1.5×);
 * 2. the renderer bundle's gzip size (goal < 400 KB);
 * 3. long tasks while an inventory of 2,000 processes and 200 nginx locations renders and a job
 *    streams 50 events/s, against the same page idle (goal: no task over 50 ms the idle page lacks).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { ProjectStore } from '../../../electron/engine/projects/project-store.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Inventory } from '../../../shared/schema/inventory.js';
import { launchChromium } from '../../support/e2e-host/browser.js';
import { buildRenderer } from '../../support/e2e-host/build-renderer.js';
import { startE2eHost, type E2eHost } from '../../support/e2e-host/host.js';

const RUNS = 15;
const root = resolve(import.meta.dirname, '../../..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The baseline: React rendering one button, built by the same Vite and served by the same host. */
async function buildMinimalReact(): Promise<string> {
  const src = await mkdtemp(join(root, 'node_modules', '.skylift-bench-'));
  await writeFile(join(src, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>min</title></head><body><div id="root"></div><script type="module" src="./main.jsx"></script></body></html>');
  await writeFile(join(src, 'main.jsx'), "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')).render(<main><h1>Minimal</h1><button type=\"button\">Create project</button></main>);\n");
  const out = await mkdtemp(join(tmpdir(), 'skylift-bench-min-'));
  await build({ root: src, base: './', logLevel: 'warn', esbuild: { jsx: 'automatic' }, build: { outDir: out, emptyOutDir: true, target: 'chrome130' } });
  await rm(src, { recursive: true, force: true });
  return out;
}

async function timeToInteractive(browser: Browser, host: E2eHost): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript({ content: host.initScript });
  await page.goto(host.url, { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'Create project' }).waitFor({ state: 'visible' });
  const ms = (await page.evaluate('performance.now()')) as number;
  await page.close();
  return ms;
}

function bigInventory(): Inventory {
  const base = structuredClone(SAMPLES['do-1click-socketio'] as Inventory);
  base.processes = Array.from({ length: 2000 }, (_, i) => ({ pid: 1000 + i, ppid: 1, user: i % 3 ? 'www-data' : 'root', command: `node /srv/app/worker-${i}.js --queue q${i % 17}`, cwd: '/srv/app' }));
  const server = base.webServers.nginx?.servers[0];
  if (server) server.locations = Array.from({ length: 200 }, (_, i) => ({ ...(server.locations[0] as (typeof server.locations)[number]), path: `/api/v${i % 4}/route-${i}` }));
  return base;
}

const LONG_TASKS = `window.__longTasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true });`;

async function longTasks(page: Page, during: () => Promise<void>): Promise<number[]> {
  await page.evaluate('window.__longTasks.length = 0');
  await during();
  return (await page.evaluate('window.__longTasks.slice()')) as number[];
}

async function main(): Promise<void> {
  const [rendererDir, minimalDir] = await Promise.all([buildRenderer(), buildMinimalReact()]);
  const dataDir = await mkdtemp(join(tmpdir(), 'skylift-bench-data-'));
  const exportDir = await mkdtemp(join(tmpdir(), 'skylift-bench-export-'));
  const app = await startE2eHost({ rendererDir, dataDir, exportDir });
  const minimal = await startE2eHost({ rendererDir: minimalDir, dataDir, exportDir });
  const browser = await launchChromium();
  try {
    const appTimes: number[] = [];
    const minTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      appTimes.push(await timeToInteractive(browser, app));
      minTimes.push(await timeToInteractive(browser, minimal));
    }
    const ratio = median(appTimes) / median(minTimes);

    let gzip = 0;
    for (const f of await readdir(join(rendererDir, 'assets'))) gzip += gzipSync(await readFile(join(rendererDir, 'assets', f))).length;

    const store = new ProjectStore(dataDir);
    const meta = await store.create('bench', { kind: 'sample', sample: 'do-1click-socketio' });
    await store.saveInventories(meta.id, [bigInventory()]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript({ content: app.initScript });
    await page.addInitScript({ content: LONG_TASKS });
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Resume bench' }).click();
    await page.getByRole('heading', { name: 'What the box runs' }).waitFor();
    const idle = await longTasks(page, () => page.waitForTimeout(2000));
    const loaded = await longTasks(page, async () => {
      let n = 0;
      const timer = setInterval(() => app.emit('job:event', { type: 'section', jobId: 'bench', name: `section-${n % 15}`, state: n++ % 2 ? 'done' : 'running', done: n % 15, total: 15 }), 20);
      await page.getByText(/2000 process/).click();
      await page.getByText(/200 nginx location/).click();
      await page.getByText(`/api/v3/route-199`).waitFor();
      await page.waitForTimeout(2000);
      clearInterval(timer);
    });
    const over = (xs: number[]) => xs.filter((d) => d > 50);
    const extra = over(loaded).filter((d) => !over(idle).some((x) => x >= d));
    const report = {
      timeToInteractiveMs: { wizard: median(appTimes), minimalReact: median(minTimes), ratio: Number(ratio.toFixed(2)), goal: '≤ 1.5' },
      bundleGzipKB: { value: Number((gzip / 1024).toFixed(1)), goal: '< 400' },
      longTasksMs: { idle: idle, underLoad: loaded, overFiftyNotSeenIdle: extra, goal: 'none' },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await browser.close();
    await app.close();
    await minimal.close();
    for (const dir of [dataDir, exportDir, rendererDir, minimalDir]) await rm(dir, { recursive: true, force: true });
  }
}


await main();
