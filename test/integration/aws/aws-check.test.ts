import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsCheck } from '../../../electron/cli/commands/aws-check.js';
import { awsCheck, checkBlocks } from '../../../electron/engine/aws/aws-check.js';
import { requiredActions } from '../../../electron/engine/aws/permissions.js';
import { AwsCheckReport } from '../../../shared/schema/aws.js';
import { DEFAULT_ACCOUNT } from '../../support/aws-double/index.js';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';

describe('skylift aws check against the double', () => {
  let s: DoubleSession;
  let dir: string;

  beforeAll(async () => {
    s = await startDoubleSession({ migrationId: 'mig-check' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'skylift-aws-check-'));
  });

  afterAll(async () => {
    await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports identity, region, permissions, quotas and offerings; nothing blocks a fresh account', async () => {
    const report = await awsCheck(s.clients, { endpoint: s.double.endpoint });
    expect(AwsCheckReport.parse(report)).toEqual(report);
    expect(report.identity).toEqual({ account: DEFAULT_ACCOUNT, arn: s.user.arn, userId: expect.stringMatching(/^AIDA/), kind: 'user' });
    expect(report.region).toBe('us-east-1');
    expect(report.permissions.principal).toBe(s.user.arn);
    expect(report.permissions.actions.every((a) => a.decision === 'allowed')).toBe(true);
    expect(report.permissions.actions.map((a) => a.action)).toEqual(expect.arrayContaining(['rds:CreateDBInstance', 's3:ListBucket', 'iam:PassRole', 'cloudformation:CreateStack']));
    expect(report.permissions.actions.map((a) => a.action)).not.toContain('sts:GetCallerIdentity');
    expect(report.quotas.map((q) => [q.name, q.used, q.limit, q.status])).toEqual([
      ['Environments', 0, 200, 'ok'],
      ['Applications', 0, 75, 'ok'],
      ['DB instances', 0, 40, 'ok'],
      ['Application Load Balancers per Region', 0, 50, 'ok'],
    ]);
    expect(report.offerings?.platformBranches.map((b) => b.name)).toEqual([
      'Node.js 24 running on 64bit Amazon Linux 2023',
      'Node.js 22 running on 64bit Amazon Linux 2023',
      'Node.js 20 running on 64bit Amazon Linux 2023',
    ]);
    expect(new Set(report.offerings?.engineVersions.map((v) => v.engine))).toEqual(new Set(['postgres', 'mysql', 'mariadb']));
    expect(report.problems).toEqual([]);
    expect(checkBlocks(report)).toBe(false);
  });

  it('reports a permission gap and a quota that blocks', async () => {
    const user = s.double.createUser({ userName: 'limited' });
    s.double.deny(user.arn, ['rds:CreateDBInstance', 'cloudformation:CreateStack']);
    s.double.setQuota(DEFAULT_ACCOUNT, 'us-east-1', 'elasticbeanstalk', 'L-8EFC1C51', 0);
    const report = await awsCheck(s.connect({ as: user }));
    expect(report.permissions.actions.filter((a) => a.decision === 'denied').map((a) => a.action)).toEqual(['rds:CreateDBInstance', 'cloudformation:CreateStack']);
    expect(report.quotas.find((q) => q.quotaCode === 'L-8EFC1C51')).toMatchObject({ limit: 0, used: 0, needed: 1, status: 'blocks' });
    expect(report.problems.map((p) => p.what)).toEqual([
      '2 permission(s) missing: rds:CreateDBInstance, cloudformation:CreateStack',
      'Environments quota would be exceeded: 0 used of 0, the plan needs 1 more',
    ]);
    expect(checkBlocks(report)).toBe(true);
    s.double.setQuota(DEFAULT_ACCOUNT, 'us-east-1', 'elasticbeanstalk', 'L-8EFC1C51', 200);
  });

  it('says "could not verify" when the policy simulator is not allowed', async () => {
    const user = s.double.createUser({ userName: 'no-simulator' });
    s.double.deny(user.arn, ['iam:SimulatePrincipalPolicy']);
    const report = await awsCheck(s.connect({ as: user }));
    expect(report.permissions.notVerifiedReason).toMatch(/^IAM policy simulation failed \(AccessDenied\)/);
    expect(new Set(report.permissions.actions.map((a) => a.decision))).toEqual(new Set(['could-not-verify']));
    expect(checkBlocks(report)).toBe(false);
    expect(report.problems[0]?.hint).toMatch(/iam:SimulatePrincipalPolicy/);
  });

  it('simulates an assumed role (SSO-style path included) from a ~/.aws profile', async () => {
    await s.clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'AWSReservedSSO_Deploy_0123',
        Path: '/aws-reserved/sso.amazonaws.com/',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEFAULT_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }),
      }),
    );
    const roleArn = `arn:aws:iam::${DEFAULT_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Deploy_0123`;
    s.double.deny(roleArn, ['route53:ChangeResourceRecordSets']);
    const config = path.join(dir, 'config');
    const credentials = path.join(dir, 'credentials');
    await writeFile(credentials, `[base]\naws_access_key_id = ${s.user.accessKeyId}\naws_secret_access_key = ${s.user.secretAccessKey}\n`);
    await writeFile(config, `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = base\nrole_session_name = alice\n`);
    const report = await awsCheck(s.connect({ credentials: { kind: 'profile', profile: 'deploy' }, profileFiles: { config, credentials } }));
    expect(report.identity).toMatchObject({ kind: 'assumed-role', arn: `arn:aws:sts::${DEFAULT_ACCOUNT}:assumed-role/AWSReservedSSO_Deploy_0123/alice` });
    expect(report.permissions.principal).toBe(roleArn);
    expect(report.permissions.actions.filter((a) => a.decision === 'denied').map((a) => a.action)).toEqual(['route53:ChangeResourceRecordSets']);
  });

  it('flags root credentials, which the simulator cannot check', async () => {
    const report = await awsCheck(s.connect({ as: s.double.rootCredentials() }));
    expect(report.identity.kind).toBe('root');
    expect(report.permissions.notVerifiedReason).toMatch(/root identity cannot be checked/);
    expect(report.problems[0]?.what).toMatch(/root user/);
  });

  it('runs as `skylift aws check --endpoint-url`, from the environment, printing no secret', async () => {
    const user = s.double.createUser({ userName: 'cli' });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = user.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = user.secretAccessKey;
    try {
      let text = '';
      const out = { write: (t: string) => (text += t) };
      expect(await runAwsCheck({ region: 'us-east-1', endpointUrl: s.double.endpoint }, out)).toBe(0);
      expect(text).toContain(`Identity     ${user.arn} (account ${DEFAULT_ACCOUNT}, user)`);
      expect(text).toContain(`Region       us-east-1 via ${s.double.endpoint}`);
      expect(text).toContain(`Permissions  ${requiredActions().length} allowed, 0 denied, 0 could not verify`);
      let json = '';
      expect(await runAwsCheck({ region: 'us-east-1', endpointUrl: s.double.endpoint, json: true }, { write: (t: string) => (json += t) })).toBe(0);
      expect(AwsCheckReport.parse(JSON.parse(json)).identity.arn).toBe(user.arn);
      for (const output of [text, json]) {
        expect(output).not.toContain(user.secretAccessKey);
        expect(output).not.toContain(user.accessKeyId);
      }
      await expect(runAwsCheck({ region: 'us-east-1', endpointUrl: 'http://10.0.0.5:4566' }, out)).rejects.toMatchObject({ code: 'ENDPOINT' });
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});
