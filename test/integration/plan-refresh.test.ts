/** `skylift plan --refresh`: the version tables come from the AWS APIs (here, the wire-level double). */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsDouble } from '../support/aws-double/index.js';

const CLI = resolve(import.meta.dirname, '../../bin/skylift.js');

/** Asynchronous: the double answers from this very process. */
function skylift(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('skylift plan --refresh', () => {
  let double: Awaited<ReturnType<typeof startAwsDouble>>;
  beforeAll(async () => {
    double = await startAwsDouble({ speed: 0 });
  });
  afterAll(async () => double?.close());

  it('plans with the offerings read live, dated and cited, and prints no credential', async () => {
    const user = double.createUser({ userName: 'planner' });
    const out = mkdtempSync(join(tmpdir(), 'skylift-refresh-'));
    const env = { ...process.env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
    const r = await skylift(['plan', '--sample', 'linode-systemd-postgres', '--region', 'us-east-1', '--refresh', '--endpoint-url', double.endpoint, '-o', out], env);
    expect(r.status, r.stderr).toBe(0);
    const runbook = readFileSync(join(out, 'plan.md'), 'utf8');
    const today = new Date().toISOString().slice(0, 10);
    expect(runbook).toContain(`Version and platform tables as of ${today}`);
    expect(runbook).toContain('ListPlatformBranches in us-east-1');
    for (const text of [r.stdout, r.stderr, runbook, readFileSync(join(out, 'plan.json'), 'utf8')]) {
      expect(text).not.toContain(user.secretAccessKey);
      expect(text).not.toContain(user.accessKeyId);
    }
  });

  it('says what to do when no region is known', async () => {
    const r = await skylift(['plan', '--sample', 'postgis', '--refresh', '-o', mkdtempSync(join(tmpdir(), 'skylift-refresh-'))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--refresh needs a region');
  });
});
