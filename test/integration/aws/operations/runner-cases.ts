import { CreateStorageLocationCommand, DescribeEventsCommand, RestartAppServerCommand } from '@aws-sdk/client-elastic-beanstalk';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DeleteParametersCommand, GetParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { expect } from 'vitest';
import { waitForEnvironment } from '../../../../electron/engine/aws/wait.js';
import type { OperationCase } from './context.js';

/** Calls the cutover runner makes for the plan's own steps (inline role policy, EB storage bucket, restarts, RDS changes after the switch, parameter batches). */
export const runnerCases: OperationCase[] = [
  {
    name: 'inline role policy: put, blocks role deletion, deleted',
    ops: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
    async run({ clients }) {
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
      await clients.iam.send(new CreateRoleCommand({ RoleName: 'skylift-inline', AssumeRolePolicyDocument: trust }));
      await clients.iam.send(new PutRolePolicyCommand({ RoleName: 'skylift-inline', PolicyName: 'app', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
      await expect(clients.iam.send(new DeleteRoleCommand({ RoleName: 'skylift-inline' }))).rejects.toMatchObject({ name: 'DeleteConflictException' });
      await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: 'skylift-inline', PolicyName: 'app' }));
      await clients.iam.send(new DeleteRoleCommand({ RoleName: 'skylift-inline' }));
    },
  },
  {
    name: 'Elastic Beanstalk storage bucket, and an app server restart',
    ops: ['elasticbeanstalk:CreateStorageLocation', 'elasticbeanstalk:RestartAppServer'],
    async run(ctx) {
      const eb = ctx.clients.elasticbeanstalk;
      const { S3Bucket } = await eb.send(new CreateStorageLocationCommand({}));
      expect(S3Bucket).toMatch(/^elasticbeanstalk-us-east-1-\d{12}$/);
      expect((await eb.send(new CreateStorageLocationCommand({}))).S3Bucket).toBe(S3Bucket);
      await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: S3Bucket }));
      await waitForEnvironment(ctx.clients, 'skylift-blue', ctx.wait);
      await eb.send(new RestartAppServerCommand({ EnvironmentName: 'skylift-blue' }));
      const events = await eb.send(new DescribeEventsCommand({ EnvironmentName: 'skylift-blue', MaxRecords: 5 }));
      expect(events.Events?.map((e) => e.Message)).toContain('restartAppServer is starting.');
    },
  },
  {
    name: 'RDS instance modified: no longer public, deletion protection off',
    ops: ['rds:ModifyDBInstance'],
    async run({ clients }) {
      const { DBInstance } = await clients.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'skylift-db', PubliclyAccessible: false, DeletionProtection: false, ApplyImmediately: true }));
      expect(DBInstance).toMatchObject({ PubliclyAccessible: false, DeletionProtection: false });
      const [db] = (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'skylift-db' }))).DBInstances!;
      expect(db?.PubliclyAccessible).toBe(false);
    },
  },
  {
    name: 'parameters read and deleted in batches',
    ops: ['ssm:GetParameters', 'ssm:DeleteParameters'],
    async run({ clients }) {
      await clients.ssm.send(new PutParameterCommand({ Name: '/skylift/batch/A', Type: 'SecureString', Value: 'one' }));
      const got = await clients.ssm.send(new GetParametersCommand({ Names: ['/skylift/batch/A', '/skylift/batch/B'], WithDecryption: true }));
      expect(got.Parameters?.map((p) => [p.Name, p.Value])).toEqual([['/skylift/batch/A', 'one']]);
      expect(got.InvalidParameters).toEqual(['/skylift/batch/B']);
      const deleted = await clients.ssm.send(new DeleteParametersCommand({ Names: ['/skylift/batch/A', '/skylift/batch/B'] }));
      expect(deleted).toMatchObject({ DeletedParameters: ['/skylift/batch/A'], InvalidParameters: ['/skylift/batch/B'] });
    },
  },
];
