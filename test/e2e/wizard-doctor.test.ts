import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, type AwsDouble } from '../support/aws-double/index.js';
import { ebState } from '../support/aws-double/services/eb-state.js';
import { launchChromium } from '../support/e2e-host/browser.js';
import { buildRenderer } from '../support/e2e-host/build-renderer.js';
import { startSession, type E2eSession } from '../support/e2e-host/session.js';
import { opt } from '../integration/aws/eb-setup.js';
import { DROPPING_LOCATION, startDoctorWorld, type DoctorWorld } from '../integration/doctor/doctor-world.js';

const LOCATION = '.platform/nginx/conf.d/elasticbeanstalk/00_application.conf';
const ONE_INSTANCE = opt('aws:autoscaling:asg', 'MaxSize', '1');

/** What a fix may change about an environment, read from the double's own state. */
function envWorld(double: AwsDouble, name: string) {
  const eb = ebState(double.world, DEFAULT_ACCOUNT, 'us-east-1');
  const rec = [...eb.environments.values()].find((e) => e.env.EnvironmentName === name && e.env.Status !== 'Terminated')!;
  return {
    version: rec.env.VersionLabel,
    options: rec.options.map((o) => `${o.Namespace} ${o.OptionName}=${o.Value}`).sort(),
    classicListeners: rec.resources!.lb!.classic.listeners,
    versions: [...eb.versions.keys()].filter((k) => k.includes(name)).sort(),
  };
}

const writes = (double: AwsDouble, since: number) => double.calls.slice(since).filter((c) => !/^(Describe|Get|List)/.test(c.operation)).map((c) => c.operation);

/**
 * The WebSocket doctor from the Projects step, in Chromium, over the real handlers and the AWS
 * double: a classic ELB with an HTTP listener in front of a real nginx that drops the upgrade
 * headers and a real Socket.IO app. Both causes are shown with their evidence; Fix asks first,
 * runs the plan through the runner, and a real handshake then answers 101 and echoes; Undo puts
 * the recorded settings back. A healthy environment is said to be healthy, with nothing to fix.
 */
describe('the WebSocket doctor in the wizard', () => {
  let browser: Browser;
  let s: E2eSession;
  let w: DoctorWorld;
  let before: ReturnType<typeof envWorld>;

  beforeAll(async () => {
    let rendererDir: string;
    [rendererDir, w, browser] = await Promise.all([buildRenderer(), startDoctorWorld(), launchChromium()]);
    await w.environment({ name: 'doc-classic', options: [ONE_INSTANCE], files: { [LOCATION]: DROPPING_LOCATION } });
    await w.environment({ name: 'doc-healthy', options: [opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'), ONE_INSTANCE, opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300')] });
    const { timeScale, connect } = w.runner();
    s = await startSession(browser, 'doctor', { rendererDir, awsEndpointUrl: w.session.double.endpoint, runner: { ...(timeScale ? { timeScale } : {}), ...(connect ? { connect } : {}) } });
  }, 300_000);

  afterAll(async () => {
    await s?.close();
    await browser?.close();
    await w?.close();
  });

  it('names both causes with their evidence and shows what Fix would change', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Fix WebSockets on an existing environment' }).waitFor();
    expect(await s.axe()).toEqual([]);
    await s.shot('projects');
    await page.getByRole('button', { name: 'Fix WebSockets on an existing environment' }).click();
    await page.getByRole('heading', { name: 'Fix WebSockets on an existing environment' }).waitFor();
    // A wrong key is refused where it was typed, with what to do.
    await page.getByLabel('Access keys').check();
    await page.getByLabel('Access key ID').fill('AKIAWRONGWRONGWRONG1');
    await page.getByLabel('Secret access key').fill('not-the-secret-not-the-secret');
    await page.getByRole('button', { name: 'List environments' }).click();
    await page.getByLabel('An event the app echoes back (optional)').fill('echo');
    const refused = page.getByRole('form', { name: 'Which environment' }).getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/What to do:.*credentials/);
    expect(await s.axe()).toEqual([]);
    await s.shot('wrong-keys');

    await page.getByLabel('Access key ID').fill(w.session.user.accessKeyId);
    await page.getByLabel('Secret access key').fill(w.session.user.secretAccessKey);
    await page.getByRole('button', { name: 'List environments' }).click();
    await page.getByLabel('An event the app echoes back (optional)').fill('echo');
    const envs = page.getByRole('group', { name: 'Environments in us-east-1' });
    await envs.getByRole('radio', { name: /^doc-classic / }).check();
    expect(await page.getByLabel('Environment name').inputValue()).toBe('doc-classic');
    expect(await envs.getByRole('radio').count()).toBe(2);
    await page.getByLabel('An event the app echoes back (optional)').fill('echo');
    await s.shot('environment-chosen');

    await page.getByRole('button', { name: 'Examine the environment' }).click();
    await page.getByRole('heading', { name: 'What Skylift found in doc-classic' }).waitFor({ timeout: 120_000 });
    const causes = page.getByRole('list', { name: 'Causes found' });
    const titles = await causes.getByRole('heading').allTextContents();
    expect(titles).toEqual([expect.stringMatching(/^The classic load balancer listens at layer 7/), expect.stringMatching(/^The nginx on the instances does not pass the WebSocket upgrade/)]);
    expect(await page.getByRole('list', { name: 'Evidence: classic-layer7-listener' }).getByRole('listitem').allTextContents()).toEqual([
      'listener HTTP:80 → HTTP:80',
      'WebSocket handshake to http://doc-classic.us-east-1.elasticbeanstalk.com/: HTTP 400',
    ]);
    expect(await page.getByRole('list', { name: 'Evidence: nginx-drops-upgrade' }).textContent()).toContain(`${LOCATION} proxies without proxy_set_header Upgrade`);
    expect(await page.getByRole('table', { name: 'Handshakes, as a real client' }).textContent()).toMatch(/HTTP 200, session opened.*HTTP 400/);
    expect(await page.getByRole('img', { name: /^Now: listeners HTTP:80 to HTTP:80; 2 cause\(s\) found\.$/ }).count()).toBe(1);
    const steps = await page.getByRole('list', { name: 'What Fix does' }).getByRole('listitem').allTextContents();
    expect(steps).toEqual([
      expect.stringMatching(/^Classic load balancer listeners to layer 4.*Undo: put back aws:elb:listener:80 ListenerProtocol HTTP/),
      expect.stringMatching(/^Deploy doctor-doc-classic-\d{14}: version doc-classic-v1 with a \.platform\/nginx override.*Undo: deploy doc-classic-v1 again/),
      expect.stringMatching(/^Socket\.IO handshake upgrades to WebSocket \(101\) and "echo" echoes/),
    ]);
    expect(await s.axe()).toEqual([]);
    await s.shot('findings');
    expect(s.problems).toEqual([]);
  });

  it('fixes after a confirmation, with live progress, and a real handshake then answers 101 and echoes', async () => {
    const { page } = s;
    const { double } = w.session;
    before = envWorld(double, 'doc-classic');
    await page.getByRole('button', { name: 'Fix', exact: true }).click();
    const gate = page.getByRole('dialog', { name: 'Ready for the next step?' });
    await gate.waitFor();
    expect(await gate.locator('.gate-question').textContent()).toMatch(/^Apply the fix to doc-classic\?\n1\. Classic load balancer listeners to layer 4.*\n2\. Deploy doctor-doc-classic-/s);
    expect(await s.axe()).toEqual([]);
    await s.shot('fix-confirm');
    // "Not now" changes nothing, says so, and Fix can be asked for again.
    await gate.getByRole('button', { name: 'Not now' }).click();
    const declined = page.getByRole('alert').filter({ hasText: 'the fix was not applied: nothing changed' });
    await declined.waitFor();
    expect(await declined.textContent()).toContain('What to do: press Fix when you are ready');
    expect(envWorld(double, 'doc-classic')).toEqual(before);
    await page.getByRole('button', { name: 'Fix', exact: true }).click();
    await gate.getByRole('button', { name: 'Go ahead' }).click();

    const result = page.getByRole('status').filter({ hasText: 'Fixed and verified' });
    await result.waitFor({ timeout: 240_000 });
    expect(await result.textContent()).toMatch(/the WebSocket handshake answered 101 and the echo came back/);
    const progress = page.getByRole('list', { name: 'Fix progress' });
    expect(await progress.locator('.cutover-step.done').count()).toBe(3);
    expect(await page.getByRole('table', { name: 'Handshakes after the fix' }).textContent()).toMatch(/101 Switching Protocols.*echo: /);
    expect(await page.getByRole('img', { name: /^After the fix: listeners TCP:80 to TCP:80; Socket\.IO upgrades to WebSocket\.$/ }).count()).toBe(1);
    expect(await page.getByRole('log', { name: 'Live events' }).textContent()).toMatch(/Starting apply of doctor-doc-classic-\d+.*doctor-verify|Socket\.IO handshake upgrades.*: done/s);
    // In the double's world: the listener is layer 4, and the new version runs.
    const fixed = envWorld(double, 'doc-classic');
    expect(fixed.classicListeners).toEqual([expect.objectContaining({ Protocol: 'TCP', LoadBalancerPort: 80, InstanceProtocol: 'TCP' })]);
    expect(fixed.version).toMatch(/^doctor-doc-classic-\d{14}$/);
    expect(await s.axe()).toEqual([]);
    await s.shot('fixed');
    expect(s.problems).toEqual([]);
  });

  it('undoes the fix: the recorded settings are back, and the upgrade fails again as before', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Undo the fix' }).click();
    const gate = page.getByRole('dialog', { name: 'Ready for the next step?' });
    await gate.waitFor();
    expect(await gate.locator('.gate-question').textContent()).toMatch(/^Undo doctor-doc-classic-\d+ on doc-classic\?/);
    await gate.getByRole('button', { name: 'Go ahead' }).click();
    const result = page.getByRole('status').filter({ hasText: 'Undone' });
    await result.waitFor({ timeout: 240_000 });
    expect(await result.textContent()).toMatch(/The settings recorded before the fix are back, and with them: The classic load balancer listens at layer 7/);
    expect(await page.getByRole('list', { name: 'Undo progress' }).locator('.cutover-step.undone').count()).toBe(3);
    expect(await page.getByRole('table', { name: 'Handshakes after the undo' }).textContent()).toContain('HTTP 400');
    await w.waitReady('doc-classic');
    expect(envWorld(w.session.double, 'doc-classic')).toEqual(before);
    // The fix's journal and plan are kept (under the data folder's doctor/), the typed secret nowhere.
    const kept = (await readdir(join(s.dataDir, 'doctor'), { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    expect(kept.map((f) => f.name)).toEqual(expect.arrayContaining(['plan.json', 'journal.jsonl']));
    for (const f of kept) expect(await readFile(join(f.parentPath, f.name), 'utf8')).not.toContain(w.session.user.secretAccessKey);
    expect(await s.axe()).toEqual([]);
    await s.shot('undone');
    expect(s.problems).toEqual([]);
  });

  it('after an app restart, a fix made earlier is listed and undone from there', async () => {
    // Examined and fixed again, then the app restarts.
    await s.page.getByRole('button', { name: 'Examine the environment' }).click();
    await s.page.getByRole('button', { name: 'Fix', exact: true }).click({ timeout: 120_000 });
    await s.page.getByRole('dialog', { name: 'Ready for the next step?' }).getByRole('button', { name: 'Go ahead' }).click();
    await s.page.getByRole('status').filter({ hasText: 'Fixed and verified' }).waitFor({ timeout: 240_000 });
    expect(envWorld(w.session.double, 'doc-classic').version).toMatch(/^doctor-doc-classic-/);
    await s.host.restart();
    const page = await s.reopen();

    await page.getByRole('button', { name: 'Fix WebSockets on an existing environment' }).click();
    const earlier = page.getByRole('list', { name: 'Fixes made earlier' });
    await earlier.getByRole('listitem').first().waitFor();
    const [fix] = await earlier.getByRole('listitem').allTextContents();
    expect(fix).toMatch(/^doctor-doc-classic-\d{14}doc-classic in us-east-1 · /);
    expect(await s.axe()).toEqual([]);
    await s.shot('earlier-fix-after-restart');
    // The keys were never kept: typed again for the undo.
    await page.getByLabel('Access keys').check();
    await page.getByLabel('Access key ID').fill(w.session.user.accessKeyId);
    await page.getByLabel('Secret access key').fill(w.session.user.secretAccessKey);
    await earlier.getByRole('button', { name: /^Undo doctor-doc-classic-/ }).click();
    await page.getByRole('dialog', { name: 'Ready for the next step?' }).getByRole('button', { name: 'Go ahead' }).click();
    await page.getByRole('status').filter({ hasText: 'Undone' }).waitFor({ timeout: 240_000 });
    expect(await page.getByRole('log', { name: 'Live events' }).textContent()).toMatch(/(Starting|Resuming) rollback of doctor-doc-classic-/);
    await w.waitReady('doc-classic');
    expect(envWorld(w.session.double, 'doc-classic')).toEqual(before);
    await earlier.waitFor({ state: 'detached' });
    await s.shot('earlier-fix-undone');
    expect(s.problems).toEqual([]);
  });

  it('says a healthy environment is healthy, offers nothing to change, and changes nothing', async () => {
    const { page } = s;
    const since = w.session.double.calls.length;
    await page.getByRole('button', { name: 'List environments' }).click();
    await page.getByLabel('An event the app echoes back (optional)').fill('echo');
    // From the keyboard: the arrow moves the environment choice, Enter on the button examines.
    await page.getByRole('group', { name: 'Environments in us-east-1' }).getByRole('radio', { name: /^doc-classic / }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Environment name').inputValue()).toBe('doc-healthy');
    await page.getByRole('button', { name: 'Examine the environment' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'What Skylift found in doc-healthy' }).waitFor({ timeout: 120_000 });
    const healthy = page.getByRole('status').filter({ hasText: 'Healthy' });
    expect(await healthy.textContent()).toMatch(/There is nothing to change\./);
    expect(await page.getByRole('button', { name: 'Fix', exact: true }).count()).toBe(0);
    expect(await page.getByRole('list', { name: 'Causes found' }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Handshakes, as a real client' }).textContent()).toMatch(/101 Switching Protocols.*echo: /);
    expect(writes(w.session.double, since)).toEqual([]);
    expect(await s.axe()).toEqual([]);
    await s.shot('healthy');
    expect(s.problems).toEqual([]);
  });
});
