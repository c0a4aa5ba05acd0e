import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { AxeViolation } from '../../support/e2e-host/session.js';

export interface FlowTools {
  shot(name: string): Promise<void>;
  axe(): Promise<AxeViolation[]>;
  /** Where the save dialog puts exports: `<exportDir>/<suggested name>`. */
  exportDir: string;
}

/** A newcomer with no box and no AWS account: sample → inventory → target (skipped) → design → WebSockets → plan → exports. */
export async function sampleToExportedPlan(page: Page, t: FlowTools): Promise<void> {
  await page.getByRole('heading', { name: 'Move a box to AWS' }).waitFor();
  expect(await t.axe()).toEqual([]);
  await t.shot('projects');

  await page.getByLabel('Sample box').selectOption('do-1click-socketio');
  await page.getByRole('button', { name: 'Try it with a sample box' }).click();
  await page.getByRole('heading', { name: 'What the box runs' }).waitFor();
  await expect.poll(() => page.getByRole('region', { name: 'Apps' }).textContent()).toContain('chat');
  await page.getByRole('region', { name: 'Could not be read' }).waitFor();
  expect(await t.axe()).toEqual([]);
  await t.shot('inventory');

  await page.getByRole('button', { name: 'Continue to the AWS target' }).click();
  await page.getByRole('heading', { name: 'Where on AWS?' }).waitFor();
  await page.getByLabel('Domain names the app serves').fill('chat.example.org');
  expect(await t.axe()).toEqual([]);
  await t.shot('target');
  await page.getByRole('button', { name: 'Continue without an AWS account (dry run)' }).click();

  await page.getByRole('heading', { name: 'The design: what becomes what' }).waitFor();
  const instance = page.locator('li.decision', { has: page.locator('select option[value="t3.small"]') });
  await instance.locator('select').selectOption('t3.small');
  await expect.poll(() => instance.locator('h4').textContent()).toContain('t3.small');
  await page.getByRole('region', { name: 'DNS' }).getByText('chat.example.org').first().waitFor();
  expect(await t.axe()).toEqual([]);
  await t.shot('design');

  await page.getByRole('button', { name: 'Continue to the load balancer' }).click();
  await page.getByRole('heading', { name: 'Load balancer and WebSockets' }).waitFor();
  await page.getByRole('img', { name: /^Before:/ }).waitFor();
  await page.getByRole('img', { name: /^After: an Application Load Balancer/ }).waitFor();
  expect(await t.axe()).toEqual([]);
  await t.shot('websockets');

  await page.getByRole('button', { name: 'Continue to the plan' }).click();
  await page.getByRole('heading', { name: 'The plan', exact: true }).waitFor();
  await page.getByRole('img', { name: /^Architecture:/ }).waitFor();
  await page.getByRole('button', { name: 'Export everything' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const planDir = join(t.exportDir, 'chat-plan');
  expect((await readdir(planDir)).sort()).toEqual(['answers.json', 'eb', 'plan.json', 'plan.md', 'rollback.md']);
  expect(await readFile(join(planDir, 'plan.md'), 'utf8')).toContain('t3.small');
  await page.getByRole('button', { name: 'Export the runbook' }).click();
  await page.getByRole('status').filter({ hasText: 'chat-runbook.md' }).waitFor();
  expect(await readFile(join(t.exportDir, 'chat-runbook.md'), 'utf8')).toBe(await readFile(join(planDir, 'plan.md'), 'utf8'));
  expect(await t.axe()).toEqual([]);
  await t.shot('plan');
}
