import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/e2e-host/browser.js';
import { buildRenderer } from '../support/e2e-host/build-renderer.js';

/** The built bundle, opened from disk exactly as Electron's window loads it, under its own CSP. */
describe('built renderer bundle', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    // Electron lets file:// pages load their module scripts (its file protocol privileges); Chromium needs this flag for the same.
    [dir, browser] = await Promise.all([buildRenderer(), launchChromium(['--allow-file-access-from-files'])]);
  });
  afterAll(() => browser?.close());

  it("declares a CSP that starts from default-src 'none' and loads only its own files", async () => {
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp.startsWith("default-src 'none';")).toBe(true);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toContain('unsafe');
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u?.startsWith('./') && u !== 'data:,')).toEqual([]);
  });

  it('loads under that CSP without a console error, and says what to do when no app is behind it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective));" });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.getByRole('heading', { name: 'Move a box to AWS' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/not connected to Skylift.*What to do:.*npm start/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
