import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/e2e-host/browser.js';
import { buildRenderer } from '../support/e2e-host/build-renderer.js';
import { startSession, type E2eSession } from '../support/e2e-host/session.js';
import { sampleToExportedPlan } from './flows/sample-flow.js';

/** A newcomer with no box and no AWS account: sample → inventory → design → plan → exported runbook. */
describe('wizard with a sample box (real renderer in Chromium, real handlers)', () => {
  let browser: Browser;
  let s: E2eSession;

  beforeAll(async () => {
    const rendererDir = await buildRenderer();
    browser = await launchChromium();
    s = await startSession(browser, 'sample', { rendererDir });
  });

  afterAll(async () => {
    await s?.close();
    await browser?.close();
  });

  it('walks from a sample box to an exported plan, accessibly, without a console error', async () => {
    await sampleToExportedPlan(s.page, { shot: s.shot, axe: s.axe, exportDir: s.exportDir });
    expect(s.host.saveRequests.map((r) => [r.suggestedName, r.folder])).toEqual([
      ['chat-plan', true],
      ['chat-runbook.md', false],
    ]);
    expect(s.problems).toEqual([]);
  });

  it('reopens where it was left after the app restarts', async () => {
    await s.host.restart();
    const page = await s.reopen();
    await page.getByRole('button', { name: 'Resume Sample: do-1click-socketio' }).click();
    await page.getByRole('heading', { name: 'The plan', exact: true }).waitFor();
    expect(await page.locator('[aria-current="step"]').textContent()).toContain('Plan');
    await s.shot('resumed');
    expect(s.problems).toEqual([]);
  });

  it('is usable from the keyboard alone', async () => {
    const page = await s.reopen();
    await page.getByRole('heading', { name: 'Move a box to AWS' }).waitFor();
    const focused: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate('document.activeElement?.textContent?.trim() || document.activeElement?.getAttribute("aria-label") || document.activeElement?.id || ""'));
    }
    expect(focused).toContain('Create project');
    expect(focused).toContain('Try it with a sample box');
    // Resume the project by keyboard: focus its button and press Enter.
    await page.getByRole('button', { name: 'Resume Sample: do-1click-socketio' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'The plan', exact: true }).waitFor();
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
  });
});
