import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manual, undoWith } from '../../shared/plan/builder.js';
import type { Action, Plan } from '../../shared/schema/plan.js';
import { ProjectStore } from '../../electron/engine/projects/project-store.js';
import { DEFAULT_ACCOUNT } from '../support/aws-double/index.js';
import { ebState } from '../support/aws-double/services/eb-state.js';
import { launchChromium } from '../support/e2e-host/browser.js';
import { buildRenderer } from '../support/e2e-host/build-renderer.js';
import { startSession, type E2eSession } from '../support/e2e-host/session.js';
import { authorizeKey, makeUserKey, startSshd, tempDir, type TestSshd } from '../support/sshd.js';
import { BOX_IP, newHome, startRunnerWorld, type RunnerWorld } from '../integration/runner/fixtures.js';
import { DOMAIN, ENV, smallPlan } from '../integration/runner/small-plan.js';
import { answerGatesUntil, checkAccountWithKeys } from './flows/cutover-flow.js';

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * The runner's test plan with the box in it: the freeze stops "the app" on the real box over SSH
 * (a marker file) and its undo starts it again after a person says so; undoing the DNS switch
 * carries a copy back the runner cannot make, so going back means accepting that data loss.
 */
function boxPlan(zoneId: string, label: string, marker: string): Plan {
  const plan = smallPlan({ zoneId, ttl: 60 });
  const onBox = (command: string): Action => ({ kind: 'remote', host: label, command, sudo: false, outputs: {} });
  const copyBack: Action = { kind: 'data-copy', engine: 'postgres', method: 'logical-replication', source: { endpoint: 'shop-db' }, target: { host: label, port: 5432, databases: ['shop'] }, notes: ['writes made on AWS since the switch'] };
  return {
    ...plan,
    steps: plan.steps.map((s) => {
      if (s.id === 'freeze-writes') return { ...s, actions: [onBox(`printf frozen > ${quote([marker])}`)], undo: undoWith('start the app again', [manual('Start the app on the box.'), onBox(`rm -f ${quote([marker])}`)]) };
      if (s.id === 'switch-dns' && s.undo.kind === 'actions') return { ...s, undo: { ...s.undo, actions: [copyBack, ...s.undo.actions] } };
      return s;
    }),
  };
}

/**
 * Going back from the wizard: a box read over real SSH, a completed cutover on the AWS double,
 * then a rollback from the Done step — what it undoes, the point-of-no-return choice, the last
 * confirmation, an app restart in the middle, and the resumed rollback to the end. Then Settings.
 */
describe('rollback in the wizard', () => {
  let browser: Browser;
  let s: E2eSession;
  let world: RunnerWorld;
  let sshd: TestSshd;
  let marker: string;

  beforeAll(async () => {
    const home = await tempDir('skylift-e2e-home-');
    let rendererDir: string;
    [rendererDir, world, sshd, browser] = await Promise.all([buildRenderer(), startRunnerWorld({ speed: 2000, domain: DOMAIN, appEnvironments: [ENV] }), startSshd(), launchChromium()]);
    marker = join(home, 'app-frozen');
    const key = await makeUserKey(home, { type: 'ed25519' });
    await authorizeKey(sshd, 'root', key.publicKey);
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(join(home, '.ssh', 'config'), `Host testbox\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${key.path}\n`);
    const { timeScale, connect } = world.options(await newHome());
    s = await startSession(browser, 'rollback', { rendererDir, homeDir: home, awsEndpointUrl: world.double.endpoint, runner: { ...(timeScale ? { timeScale } : {}), ...(connect ? { connect } : {}) } });
  });

  afterAll(async () => {
    await s?.close();
    await browser?.close();
    await Promise.all([sshd?.stop(), world?.close()]);
  });

  it('completes a cutover of a real box', async () => {
    const { page } = s;
    await page.getByLabel('Project name').fill('shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('button', { name: /^testbox/ }).click();
    await page.getByRole('button', { name: 'Read the box' }).click();
    await page.getByRole('dialog', { name: 'Is this really your box?' }).getByRole('button', { name: 'They match: trust and continue' }).click();
    await page.getByRole('button', { name: 'Continue to the AWS target' }).click({ timeout: 120_000 });
    await checkAccountWithKeys(page, world.user);
    // The reviewed plan is what plan.json holds: here the runner's test plan, with this box in it.
    const store = new ProjectStore(s.dataDir);
    const [project] = await store.list();
    const [inventory] = await store.inventories(project!.id);
    await store.savePlan(project!.id, boxPlan(world.zoneId, inventory!.target.label, marker));
    await store.updateMeta(project!.id, (m) => ({ ...m, step: 'cutover' }));

    await s.reopen();
    await s.page.getByRole('button', { name: 'Resume shop' }).click();
    await s.page.getByRole('button', { name: 'Start the cutover' }).click();
    const next = s.page.getByRole('button', { name: 'Continue to the checks after the move' });
    expect(await answerGatesUntil(s.page, next)).toEqual(expect.arrayContaining([expect.stringMatching(/^switch-dns: point DNS at AWS/)]));
    expect(await readFile(marker, 'utf8')).toBe('frozen');
    await next.click();
    await s.page.getByRole('heading', { name: 'You are on AWS' }).waitFor();
    await s.shot('done');
    expect(s.problems).toEqual([]);
  });

  it('shows what a rollback undoes and asks to accept the data loss past the point of no return, then asks once more', async () => {
    const { page } = s;
    const panel = page.getByRole('region', { name: 'Go back to the box' });
    await panel.getByRole('button', { name: 'See what a rollback undoes' }).click();
    const undo = panel.getByRole('list', { name: 'What will be undone, in this order' });
    await undo.waitFor();
    const items = await undo.getByRole('listitem').allTextContents();
    expect(items[0]).toMatch(/^switch-dns: point DNS back/);
    expect(items.at(-1)).toMatch(/^prepare-preflight: nothing to undo/);
    const warning = panel.getByRole('note', { name: 'Past the point of no return' });
    expect(await warning.textContent()).toMatch(/Since switch-dns, traffic and writes have gone to AWS\. Skylift cannot copy them back \(switch-dns: postgres logical-replication\)/);
    const rollBack = panel.getByRole('button', { name: 'Roll back', exact: true });
    expect(await rollBack.isDisabled()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Keep a final snapshot of each database it deletes' }).isChecked()).toBe(true);
    expect(await s.axe()).toEqual([]);
    await s.shot('rollback-preview');

    await warning.getByRole('checkbox', { name: /accept data loss/ }).check();
    await rollBack.click();
    const confirm = page.getByRole('dialog', { name: 'Roll back to the box?' });
    expect(await confirm.textContent()).toMatch(/undoes 14 steps, latest first, starting with pointing DNS back at the box.*Writes made on AWS since the switch are lost/);
    expect(await s.axe()).toEqual([]);
    await s.shot('rollback-confirm');
    // "Not now" changes nothing; "Roll back" starts it.
    await confirm.getByRole('button', { name: 'Not now' }).click();
    expect(await confirm.isVisible()).toBe(false);
    await rollBack.click();
    await confirm.getByRole('button', { name: 'Roll back', exact: true }).click();

    // DNS goes back first; then the freeze's undo waits for the person to start the app again.
    await page.getByRole('heading', { name: 'Cutover' }).waitFor();
    const gate = page.getByRole('dialog', { name: 'Ready for the next step?' });
    await gate.waitFor({ timeout: 120_000 });
    expect(await gate.locator('.gate-question').textContent()).toMatch(/^freeze-writes: Start the app on the box\./);
    expect(await page.locator('.cutover-step.undone').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('log', { name: 'Live events' }).textContent()).toMatch(/(Starting|Resuming) rollback of shop.*switch-dns: undone/s);
    await s.shot('rollback-running');
    const records = await world.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId }));
    expect(records.ResourceRecordSets?.find((r) => r.Name === `${DOMAIN}.`)).toMatchObject({ Type: 'A', ResourceRecords: [{ Value: BOX_IP }] });
    expect(s.problems).toEqual([]);
  });

  it('resumes the rollback after an app restart, from the journal, to the end: nothing Skylift made is left on AWS', async () => {
    await s.host.restart();
    await s.reopen();
    await s.page.getByRole('button', { name: 'Resume shop' }).click();
    const { page } = s;
    await page.getByRole('heading', { name: 'Cutover' }).waitFor();
    expect(await page.getByRole('button', { name: /Start the cutover|Resume the cutover/ }).count()).toBe(0);
    const panel = page.getByRole('region', { name: 'Go back to the box' });
    await panel.getByRole('button', { name: 'See what is left to undo' }).click();
    const left = await panel.getByRole('list', { name: 'What will be undone, in this order' }).getByRole('listitem').allTextContents();
    expect(left[0]).toMatch(/^freeze-writes: start the app again/);
    expect(left.some((l) => l.startsWith('switch-dns'))).toBe(false);
    await s.shot('rollback-after-restart');
    await panel.getByRole('button', { name: 'Resume the rollback' }).click();
    await page.getByRole('dialog', { name: 'Roll back to the box?' }).getByRole('button', { name: 'Roll back', exact: true }).click();
    const gate = page.getByRole('dialog', { name: 'Ready for the next step?' });
    await gate.waitFor({ timeout: 120_000 });
    await gate.getByRole('button', { name: 'Go ahead' }).click();

    const result = page.getByRole('status').filter({ hasText: 'Rolled back' });
    await result.waitFor({ timeout: 180_000 });
    expect(await result.textContent()).toMatch(/DNS points back at it/);
    expect(await page.getByRole('button', { name: 'Start the cutover again' }).isVisible()).toBe(true);
    expect(await s.axe()).toEqual([]);
    await s.shot('rolled-back');

    // In the double's world: the environment terminated, the application, database, cache and roles gone.
    const eb = ebState(world.double.world, DEFAULT_ACCOUNT, 'us-east-1');
    expect([...eb.environments.values()].filter((e) => e.env.Status !== 'Terminated')).toEqual([]);
    expect([...eb.applications.keys()]).toEqual([]);
    const live = world.double.calls.filter((c) => /^(Delete|Terminate|Remove)/.test(c.operation) && c.status < 300).map((c) => c.operation);
    expect(live).toEqual(expect.arrayContaining(['DeleteDBInstance', 'DeleteReplicationGroup', 'DeleteApplication', 'TerminateEnvironment', 'DeleteRole', 'DeleteSecurityGroup', 'DeleteDBSubnetGroup', 'DeleteCacheSubnetGroup']));
    expect(await exists(marker)).toBe(false);
    const records = await world.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId }));
    expect(records.ResourceRecordSets?.find((r) => r.Name === `${DOMAIN}.`)).toMatchObject({ Type: 'A', TTL: 3600, ResourceRecords: [{ Value: BOX_IP }] });
    expect(s.problems).toEqual([]);
  });

  it('Settings lists the trusted box key and the kept AWS keys (names only), and removes them from the keyboard', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    const hosts = page.getByRole('table', { name: 'Known hosts' });
    await hosts.waitFor();
    expect(await hosts.textContent()).toContain(sshd.hostKeyFingerprint);
    const secrets = page.getByRole('table', { name: 'Stored secrets' });
    expect(await secrets.textContent()).toMatch(/shop.*AWS access keys/);
    expect(await page.content()).not.toContain(world.user.secretAccessKey);
    expect(await s.axe()).toEqual([]);
    await s.shot('settings');

    // Keyboard only: focus the Remove button and press Enter.
    await hosts.getByRole('button', { name: /^Remove the key of / }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Removed the key of' }).waitFor();
    expect(await page.getByText('No host keys yet.').isVisible()).toBe(true);
    expect(await readFile(join(s.dataDir, 'known_hosts'), 'utf8')).not.toContain(sshd.hostPublicKey);
    await secrets.getByRole('button', { name: /^Delete the AWS access keys of shop/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('No stored secrets.').waitFor();
    expect(await s.axe()).toEqual([]);
    await s.shot('settings-cleared');
    expect(s.problems).toEqual([]);
  });
});
