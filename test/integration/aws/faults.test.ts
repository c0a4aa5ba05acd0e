import { CreateApplicationCommand, DescribeEnvironmentsCommand } from '@aws-sdk/client-elastic-beanstalk';
import { DescribeImagesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, DescribeDBEngineVersionsCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../electron/engine/aws/clients.js';
import { AwsLayerError, hintFor } from '../../../electron/engine/aws/errors.js';
import { waitForEnvironment } from '../../../electron/engine/aws/wait.js';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { createEnvironment, prepareEb } from './eb-setup.js';

const db = { Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'long-enough-pw' };

describe('faults and errors, as the SDK sees them', () => {
  let s: DoubleSession;

  beforeAll(async () => {
    s = await startDoubleSession({ speed: 1, migrationId: 'mig-faults' });
    await prepareEb(s.clients);
  });

  afterAll(async () => {
    await s?.close();
  });

  const statuses = (service: string, operation: string) => s.double.calls.filter((c) => c.service === service && c.operation === operation).map((c) => c.status);

  it('a throttling burst is absorbed by adaptive retries', async () => {
    s.double.faults.add({ kind: 'throttle', service: 'elasticbeanstalk', operation: 'DescribeEnvironments', times: 3 });
    const result = await s.clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({}));
    expect(result.$metadata.attempts).toBe(4);
    expect(statuses('elasticbeanstalk', 'DescribeEnvironments')).toEqual([400, 400, 400, 200]);
  });

  it('500s are retried, and surface with a hint once attempts run out', async () => {
    s.double.faults.add({ kind: '500', service: 'rds', operation: 'DescribeDBEngineVersions', times: 2 });
    expect((await s.clients.rds.send(new DescribeDBEngineVersionsCommand({ Engine: 'mariadb' }))).$metadata.attempts).toBe(3);
    const fewer = s.connect({ maxAttempts: 2 });
    s.double.faults.add({ kind: '500', service: 'rds', operation: 'DescribeDBEngineVersions', times: 2 });
    const err = await fewer.rds.send(new DescribeDBEngineVersionsCommand({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500, attempts: 2 } });
    expect(hintFor(err)).toMatch(/safe to retry/);
  });

  it('a dropped connection is retried', async () => {
    s.double.faults.add({ kind: 'drop', service: 'sts', operation: 'GetCallerIdentity' });
    const me = await s.clients.sts.send(new GetCallerIdentityCommand({}));
    expect(me.$metadata.attempts).toBe(2);
    expect(statuses('sts', 'GetCallerIdentity')).toEqual([0, 200]);
  });

  it('a missing permission is AccessDenied, with what to do', async () => {
    s.double.deny(s.user.arn, ['rds:CreateDBInstance', 'ec2:Describe*']);
    const denied = await s.clients.rds.send(new CreateDBInstanceCommand({ ...db, DBInstanceIdentifier: 'denied' })).catch((e: unknown) => e);
    expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403, attempts: 1 } });
    expect((denied as Error).message).toContain(`User: ${s.user.arn} is not authorized to perform: rds:CreateDBInstance`);
    expect(hintFor(denied)).toMatch(/skylift aws check/);
    await expect(s.clients.ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });

  it('AWS-shaped errors come back as the SDK\'s modeled exceptions', async () => {
    s.double.faults.add({ kind: 'error', service: 'rds', operation: 'DescribeDBInstances', code: 'DBInstanceNotFound', message: 'DBInstance x not found.', status: 404 });
    await expect(s.clients.rds.send(new DescribeDBInstancesCommand({}))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault', message: 'DBInstance x not found.' });
    await s.clients.elasticbeanstalk.send(new CreateApplicationCommand({ ApplicationName: 'twice' }));
    await expect(s.clients.elasticbeanstalk.send(new CreateApplicationCommand({ ApplicationName: 'twice' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('an environment that never becomes Ready times out, quoting its latest events', async () => {
    s.double.faults.add({ kind: 'never-ready', environmentName: 'stuck' });
    s.double.clock.speed = 10_000;
    await createEnvironment(s.clients, 'stuck');
    const err = await waitForEnvironment(s.clients, 'stuck', { intervalMs: 10, timeoutMs: 300 }).catch((e: unknown) => e);
    s.double.clock.speed = 1;
    expect(err).toBeInstanceOf(AwsLayerError);
    expect(err).toMatchObject({ code: 'WAIT_TIMEOUT', message: expect.stringMatching(/environment stuck: still Launching, health Grey after .*Created Auto Scaling group/) });
  });

  it('a slow lifecycle takes as many times longer as asked', async () => {
    s.double.clock.speed = 0;
    s.double.faults.add({ kind: 'slow-lifecycle', service: 'rds', factor: 10 });
    // The first user lost rds:CreateDBInstance above; another user of the account may create.
    const other = s.double.createUser({ userName: 'slow' });
    const clients = s.connect({ as: other });
    await clients.rds.send(new CreateDBInstanceCommand({ ...db, DBInstanceIdentifier: 'slow' }));
    const status = async () => (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'slow' }))).DBInstances![0]!.DBInstanceStatus;
    s.double.clock.advance(720_000);
    expect(await status()).toBe('creating');
    s.double.clock.advance(6_480_000);
    expect(await status()).toBe('available');
    s.double.clock.speed = 1;
  });

  it('a wrong secret fails the signature check, with a credentials hint', async () => {
    const wrong = createAwsClients({ region: 'us-east-1', endpointUrl: s.double.endpoint, credentials: { kind: 'keys', accessKeyId: s.user.accessKeyId, secretAccessKey: 'not-the-secret' } });
    const err = await wrong.sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    wrong.destroy();
    expect(err).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    expect(hintFor(err)).toMatch(/did not accept the credentials/);
  });

  it('the product refuses a call missing from the registry, and creation without a migration id', async () => {
    const before = s.double.calls.length;
    await expect(s.clients.ec2.send(new DescribeImagesCommand({}))).rejects.toMatchObject({ code: 'UNREGISTERED_OPERATION' });
    const untagged = s.connect({ migrationId: undefined });
    await expect(untagged.elasticbeanstalk.send(new CreateApplicationCommand({ ApplicationName: 'untagged' }))).rejects.toMatchObject({ code: 'NO_MIGRATION_ID' });
    expect(s.double.calls.length).toBe(before);
  });

  it('an operation the double does not serve answers an AWS-shaped NotImplemented', async () => {
    const raw = new EC2Client({ region: 'us-east-1', endpoint: s.double.endpoint, credentials: s.double.createUser({ userName: 'raw' }), maxAttempts: 1 });
    await expect(raw.send(new DescribeImagesCommand({}))).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    raw.destroy();
  });
});
