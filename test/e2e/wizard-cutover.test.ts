import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../electron/engine/projects/project-store.js';
import { launchChromium } from '../support/e2e-host/browser.js';
import { buildRenderer } from '../support/e2e-host/build-renderer.js';
import { startSession, type E2eSession } from '../support/e2e-host/session.js';
import { newHome, startRunnerWorld, type RunnerWorld } from '../integration/runner/fixtures.js';
import { DOMAIN, ENV, smallPlan } from '../integration/runner/small-plan.js';
import { answerGatesUntil, checkAccountWithKeys } from './flows/cutover-flow.js';

/**
 * The Cutover step over the real runner and the AWS double: start, restart the app in the middle,
 * resume from the journal, pass the gates, finish. The plan is the runner's own test plan
 * (IAM, network, RDS, ElastiCache, EB behind an ALB, DNS switch), which the double can complete.
 */
describe('cutover in the wizard', () => {
  let browser: Browser;
  let s: E2eSession;
  let world: RunnerWorld;
  let callsBefore = 0;
  const plan = () => smallPlan({ zoneId: world.zoneId, ttl: 60 });

  beforeAll(async () => {
    let rendererDir: string;
    [rendererDir, world, browser] = await Promise.all([buildRenderer(), startRunnerWorld({ speed: 2000, domain: DOMAIN, appEnvironments: [ENV] }), launchChromium()]);
    callsBefore = world.double.calls.length;
    const { timeScale, connect } = world.options(await newHome());
    s = await startSession(browser, 'cutover', { rendererDir, awsEndpointUrl: world.double.endpoint, runner: { ...(timeScale ? { timeScale } : {}), ...(connect ? { connect } : {}) } });
  });

  afterAll(async () => {
    await s?.close();
    await browser?.close();
    await world?.close();
  });

  it('starts, survives an app restart in the middle, and resumes where the journal says', async () => {
    const { page } = s;
    await page.getByLabel('Sample box').selectOption('do-1click-socketio');
    await page.getByRole('button', { name: 'Try it with a sample box' }).click();
    await page.getByRole('button', { name: 'Continue to the AWS target' }).click();
    await checkAccountWithKeys(page, world.user);
    // The reviewed plan is what plan.json holds; here it is the runner's test plan for this double.
    const store = new ProjectStore(s.dataDir);
    const [project] = await store.list();
    await store.savePlan(project!.id, plan());
    await store.updateMeta(project!.id, (m) => ({ ...m, step: 'cutover' }));

    await s.reopen();
    await s.page.getByRole('button', { name: `Resume ${project!.name}` }).click();
    await s.page.getByRole('heading', { name: 'Cutover' }).waitFor();
    expect(await s.axe()).toEqual([]);
    await s.shot('ready');
    await s.page.getByRole('button', { name: 'Start the cutover' }).click();
    await s.page.locator('.cutover-step.done').nth(2).waitFor({ timeout: 60_000 });
    await s.shot('running');

    // The app stops in the middle (its jobs are stopped, as on quit) and starts again.
    await s.host.restart();
    await s.reopen();
    await s.page.getByRole('button', { name: `Resume ${project!.name}` }).click();
    await s.page.getByRole('heading', { name: 'Cutover' }).waitFor();
    const done = await s.page.locator('.cutover-step.done').count();
    expect(done).toBeGreaterThanOrEqual(3);
    await s.page.getByRole('button', { name: 'Resume the cutover' }).waitFor();
    await s.shot('after-restart');
    expect(s.problems).toEqual([]);
  });

  it('asks at each gate, then completes and shows what to check and switch off', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Resume the cutover' }).click();
    const asked = await answerGatesUntil(page, page.getByRole('button', { name: 'Continue to the checks after the move' }), async () => {
      expect(await s.axe()).toEqual([]);
      await s.shot('gate');
    });
    expect(asked.some((q) => /^freeze-writes: stop the app on the box/.test(q))).toBe(true);
    expect(asked.some((q) => /^switch-dns: point DNS at AWS/.test(q))).toBe(true);
    expect(await page.getByRole('log', { name: 'Live events' }).textContent()).toMatch(/Resuming apply of shop/);
    await s.shot('completed');
    // Nothing was created twice across the restart: one successful Create per Create in the plan.
    const planned = plan().steps.flatMap((st) => st.actions).filter((a) => a.kind === 'aws' && a.operation.startsWith('Create')).length;
    const created = world.double.calls.slice(callsBefore).filter((c) => c.operation.startsWith('Create') && c.status < 300).length;
    expect(created).toBe(planned);
    const records = await world.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId }));
    expect(records.ResourceRecordSets?.find((r) => r.Name === `${DOMAIN}.` && r.Type === 'CNAME')?.ResourceRecords?.[0]?.Value).toBe(`${ENV}.us-east-1.elasticbeanstalk.com`);

    await page.getByRole('button', { name: 'Continue to the checks after the move' }).click();
    await page.getByRole('heading', { name: 'You are on AWS' }).waitFor();
    expect(await s.axe()).toEqual([]);
    await s.shot('done');
    expect(s.problems).toEqual([]);
  });
});
