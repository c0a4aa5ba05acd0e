import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DoubleCredentials } from '../../support/aws-double/index.js';

/** The Target step with typed access keys (kept, as by default), until the account check shows who they are. */
export async function checkAccountWithKeys(page: Page, user: DoubleCredentials): Promise<void> {
  await page.getByLabel('Access keys').check();
  await page.getByLabel('Access key ID').fill(user.accessKeyId);
  await page.getByLabel('Secret access key').fill(user.secretAccessKey);
  await page.getByRole('button', { name: 'Check the account' }).click();
  await page.getByRole('region', { name: 'AWS account check' }).getByText(user.arn).waitFor();
}

/**
 * Says yes to every gate and manual step, as a person at the keyboard would, until `end` shows;
 * returns the questions asked, after `onFirst` had its look at the first one.
 */
export async function answerGatesUntil(page: Page, end: Locator, onFirst: () => Promise<void> = async () => undefined): Promise<string[]> {
  const gate = page.getByRole('dialog', { name: 'Ready for the next step?' });
  const asked: string[] = [];
  while (!(await end.isVisible())) {
    await gate.or(end).first().waitFor({ timeout: 120_000 });
    if (!(await gate.isVisible())) continue;
    const question = (await gate.locator('.gate-question').textContent()) ?? '';
    asked.push(question);
    if (asked.length === 1) await onFirst();
    await gate.getByRole('button', { name: 'Go ahead' }).click();
    // The next question may follow at once, in a new dialog.
    await expect.poll(async () => (await gate.isVisible()) && (await gate.locator('.gate-question').textContent()) === question, { timeout: 60_000 }).toBe(false);
  }
  return asked;
}
