import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startE2eHost, type E2eHost, type E2eHostOptions } from './host.js';

const root = resolve(import.meta.dirname, '../../..');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

export interface E2eSession {
  host: E2eHost;
  page: Page;
  dataDir: string;
  exportDir: string;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  /** A screenshot under test-results/e2e/<suite>/NN-<name>.png. */
  shot(name: string): Promise<void>;
  /** axe-core's serious and critical violations on the page as it is now. */
  axe(): Promise<AxeViolation[]>;
  /** A new page (an app restart) on the same host; the old one is closed. */
  reopen(): Promise<Page>;
  close(): Promise<void>;
}

/** axe-core injected through the debugging protocol (the page's CSP would refuse a script tag). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(await readFile(axePath, 'utf8'));
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })))`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function newPage(browser: Browser, host: E2eHost, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript({ content: host.initScript });
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));" });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(host.url);
  return page;
}

/** One isolated run: its own data folder, export folder, host, and browser page. */
export async function startSession(browser: Browser, suite: string, opts: Omit<E2eHostOptions, 'dataDir' | 'exportDir'>): Promise<E2eSession> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skylift-e2e-data-'));
  const exportDir = await mkdtemp(join(tmpdir(), 'skylift-e2e-export-'));
  const shots = join(root, 'test-results', 'e2e', suite);
  await rm(shots, { recursive: true, force: true });
  await mkdir(shots, { recursive: true });
  const host = await startE2eHost({ ...opts, dataDir, exportDir });
  const problems: string[] = [];
  let page = await newPage(browser, host, problems);
  let n = 0;
  const session: E2eSession = {
    host,
    get page() {
      return page;
    },
    dataDir,
    exportDir,
    problems,
    async shot(name) {
      n += 1;
      await page.screenshot({ path: join(shots, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
    },
    axe: () => runAxe(page),
    async reopen() {
      await page.context().close();
      page = await newPage(browser, host, problems);
      return page;
    },
    async close() {
      await page.context().close().catch(() => undefined);
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(exportDir, { recursive: true, force: true });
    },
  };
  return session;
}
