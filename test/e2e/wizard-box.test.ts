import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsDouble, type AwsDouble, type DoubleCredentials } from '../support/aws-double/index.js';
import { launchChromium } from '../support/e2e-host/browser.js';
import { buildRenderer } from '../support/e2e-host/build-renderer.js';
import { startSession, type E2eSession } from '../support/e2e-host/session.js';
import { startNodeApp, type NodeAppService } from '../support/services.js';
import { authorizeKey, makeUserKey, startSshd, tempDir, type TestSshd } from '../support/sshd.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A person with a real box (real sshd on loopback) and an AWS account (the AWS double), from a new project to an exported plan. */
describe('wizard against a real box and the AWS double', () => {
  let browser: Browser;
  let s: E2eSession;
  let sshd: TestSshd;
  let app: NodeAppService;
  let double: AwsDouble;
  let user: DoubleCredentials;

  beforeAll(async () => {
    const home = await tempDir('skylift-e2e-home-');
    let rendererDir: string;
    [rendererDir, sshd, double, app, browser] = await Promise.all([
      buildRenderer(),
      startSshd(),
      startAwsDouble({ speed: 1000 }),
      startNodeApp({
        files: {
          'package.json': JSON.stringify({ name: 'shop-api', version: '1.0.0', main: 'server.js', engines: { node: '>=20' }, scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.0' } }),
          'server.js': "require('http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');\n",
        },
      }),
      launchChromium(),
    ]);
    user = double.createUser();
    const key = await makeUserKey(home, { type: 'ed25519' });
    await authorizeKey(sshd, 'root', key.publicKey);
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(join(home, '.ssh', 'config'), `Host testbox\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${key.path}\n`);
    s = await startSession(browser, 'box', { rendererDir, homeDir: home, awsEndpointUrl: double.endpoint });
  });

  afterAll(async () => {
    await s?.close();
    await browser?.close();
    await Promise.all([sshd?.stop(), app?.stop(), double?.close()]);
  });

  it('reads the box after a first-contact fingerprint check, checks the account, and exports the plan', async () => {
    const { page } = s;
    await page.getByLabel('Project name').fill('shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Which box are we moving?' }).waitFor();
    await page.getByRole('button', { name: /^testbox/ }).click();
    expect(await page.getByLabel('Host, address or ~/.ssh/config name').inputValue()).toBe('testbox');
    expect(await s.axe()).toEqual([]);
    await s.shot('source');

    // Refusing the unknown key stops before anything is sent, and says what to do.
    await page.getByRole('button', { name: 'Read the box' }).click();
    const dialog = page.getByRole('dialog', { name: 'Is this really your box?' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Host key fingerprint').textContent()).toBe(sshd.hostKeyFingerprint);
    await s.shot('fingerprint');
    await dialog.getByRole('button', { name: "Don't connect" }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/was not accepted.*What to do:.*ssh-keygen -lf/);
    expect(await alert.textContent()).not.toMatch(/\bat .+:\d+:\d+/);
    await s.shot('refused');

    await page.getByRole('button', { name: 'Back to the connection settings' }).click();
    await page.getByRole('button', { name: 'Read the box' }).click();
    await dialog.getByRole('button', { name: 'They match: trust and continue' }).click();
    await page.getByRole('button', { name: 'Continue to the AWS target' }).waitFor({ timeout: 60_000 });
    expect(await page.getByText(/^Sections read: (\d+) of \1$/).count()).toBe(1);
    await expect.poll(() => page.getByRole('region', { name: 'Apps' }).textContent()).toContain(app.appDir);
    expect(await readFile(join(s.dataDir, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`);
    expect(await s.axe()).toEqual([]);
    await s.shot('inventory');

    await page.getByRole('button', { name: 'Continue to the AWS target' }).click();
    await page.getByLabel('Access keys').check();
    await page.getByLabel('Access key ID').fill(user.accessKeyId);
    await page.getByLabel('Secret access key').fill(user.secretAccessKey);
    await page.getByRole('button', { name: 'Check the account' }).click();
    const report = page.getByRole('region', { name: 'AWS account check' });
    await report.getByText(user.arn).waitFor();
    await report.getByText('Nothing here would stop the plan.').waitFor();
    await page.getByLabel('Domain names the app serves').fill('shop.example.test');
    expect(await s.axe()).toEqual([]);
    await s.shot('target');
    await page.getByRole('button', { name: 'Continue to the design' }).click();

    await page.getByRole('heading', { name: 'The design: what becomes what' }).waitFor();
    await s.shot('design');
    await page.getByRole('button', { name: 'Continue to the load balancer' }).click();
    await page.getByRole('button', { name: 'Continue to the plan' }).click();
    await page.getByRole('button', { name: 'Export everything' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await s.shot('plan');
    const exported = s.host.saveRequests[0]?.path ?? '';
    const plan = JSON.parse(await readFile(join(exported, 'plan.json'), 'utf8')) as { migration: { region: string; accountId: string } };
    expect(plan.migration).toMatchObject({ region: 'us-east-1', accountId: user.account });

    // The typed secret is kept only encrypted: no file Skylift wrote holds it.
    for (const file of [...(await filesUnder(s.dataDir)), ...(await filesUnder(s.exportDir))]) {
      expect((await readFile(file)).includes(user.secretAccessKey), file).toBe(false);
    }
    expect(s.problems).toEqual([]);
  });

  it('uses the saved keys after a restart, without asking for them again', async () => {
    await s.host.restart();
    const page = await s.reopen();
    await page.getByRole('button', { name: 'Resume shop' }).click();
    await page.getByRole('heading', { name: 'The plan', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Target' }).click();
    expect(await page.getByLabel('The keys saved for this project').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Check the account' }).click();
    await page.getByRole('region', { name: 'AWS account check' }).getByText(user.arn).waitFor();
    expect(s.problems).toEqual([]);
  });
});
