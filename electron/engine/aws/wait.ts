import { DescribeCertificateCommand, type CertificateDetail } from '@aws-sdk/client-acm';
import { DescribeEnvironmentsCommand, DescribeEventsCommand, type EnvironmentDescription } from '@aws-sdk/client-elastic-beanstalk';
import { DescribeReplicationGroupsCommand, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand, type DBInstance } from '@aws-sdk/client-rds';
import { GetChangeCommand } from '@aws-sdk/client-route-53';
import type { AwsClients } from './clients.js';
import { AwsLayerError } from './errors.js';

export interface WaitOptions {
  /** Between polls (AWS's own waiters poll every 15–30 s). */
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each status seen, for progress output. */
  onStatus?: (status: string) => void;
}

export type Verdict = { done: true } | { done: false; status: string } | { failed: string };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AwsLayerError('CANCELLED', 'wait cancelled', 'resume the step when ready'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new AwsLayerError('CANCELLED', 'wait cancelled', 'resume the step when ready'))), { once: true });
  });
}

/** Polls `poll` until `judge` says done or failed, or the time runs out. */
export async function waitUntil<T>(what: string, poll: () => Promise<T>, judge: (value: T) => Verdict, opts: WaitOptions = {}, onTimeout?: () => Promise<string>): Promise<T> {
  const interval = opts.intervalMs ?? 15_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let last = 'unknown';
  for (;;) {
    const value = await poll();
    const verdict = judge(value);
    if ('failed' in verdict) throw new AwsLayerError('WAIT_FAILED', `${what}: ${verdict.failed}`, 'read the events above, fix the cause, then resume or roll back');
    if (verdict.done) return value;
    if (verdict.status !== last) opts.onStatus?.(verdict.status);
    last = verdict.status;
    if (Date.now() + interval > deadline) {
      const detail = onTimeout ? await onTimeout().catch(() => '') : '';
      throw new AwsLayerError('WAIT_TIMEOUT', `${what}: still ${last} after ${Math.round((opts.timeoutMs ?? 30 * 60_000) / 1000)} s${detail ? `; latest events: ${detail}` : ''}`, 'check the resource in the AWS console; resume the step to keep waiting, or roll back');
    }
    await sleep(interval, opts.signal);
  }
}

/** An Elastic Beanstalk environment until it is Ready (a timeout quotes its latest events). */
export function waitForEnvironment(clients: AwsClients, environmentName: string, opts?: WaitOptions): Promise<EnvironmentDescription> {
  return waitUntil(
    `environment ${environmentName}`,
    async () => (await clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [environmentName], IncludeDeleted: false }))).Environments?.[0],
    (env): Verdict => {
      if (!env) return { failed: 'not found (terminated or never created)' };
      if (env.Status === 'Ready') return { done: true };
      if (env.Status === 'Terminating' || env.Status === 'Terminated') return { failed: `is ${env.Status}` };
      return { done: false, status: `${env.Status}, health ${env.Health ?? 'unknown'}` };
    },
    opts,
    async () => {
      const events = await clients.elasticbeanstalk.send(new DescribeEventsCommand({ EnvironmentName: environmentName, MaxRecords: 5 }));
      return (events.Events ?? []).map((e) => `[${e.Severity}] ${e.Message}`).join(' | ');
    },
  ).then((env) => env!);
}

/** Polls a resource until its status is `ready`; a status in `failed` (or the resource gone) ends the wait. */
function waitForStatus<T>(what: string, poll: () => Promise<T | undefined>, status: (value: T) => string | undefined, ready: string, failed: Set<string>, opts: WaitOptions): Promise<T> {
  return waitUntil(
    what,
    poll,
    (value): Verdict => {
      const now = (value && status(value)) ?? 'missing';
      if (now === ready) return { done: true };
      if (!value || failed.has(now)) return { failed: `is ${now}` };
      return { done: false, status: now };
    },
    opts,
  ).then((value) => value!);
}

const DB_FAILED = new Set(['failed', 'incompatible-network', 'incompatible-parameters', 'incompatible-restore', 'incompatible-option-group', 'storage-full', 'inaccessible-encryption-credentials', 'deleting']);

export function waitForDbInstance(clients: AwsClients, identifier: string, opts?: WaitOptions): Promise<DBInstance> {
  return waitForStatus(
    `database ${identifier}`,
    async () => (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0],
    (db) => db.DBInstanceStatus,
    'available',
    DB_FAILED,
    { timeoutMs: 90 * 60_000, ...opts },
  );
}

export function waitForReplicationGroup(clients: AwsClients, id: string, opts?: WaitOptions): Promise<ReplicationGroup> {
  return waitForStatus(
    `cache ${id}`,
    async () => (await clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }))).ReplicationGroups?.[0],
    (group) => group.Status,
    'available',
    new Set(['create-failed', 'deleting']),
    { timeoutMs: 60 * 60_000, ...opts },
  );
}

/** ACM publishes the DNS validation records a few seconds after the request: wait for them. */
export function waitForValidationRecords(clients: AwsClients, certificateArn: string, opts?: WaitOptions): Promise<CertificateDetail> {
  return waitUntil(
    `certificate ${certificateArn} validation records`,
    async () => (await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: certificateArn }))).Certificate!,
    (cert): Verdict => ((cert.DomainValidationOptions ?? []).every((o) => o.ResourceRecord) ? { done: true } : { done: false, status: 'records not published yet' }),
    { intervalMs: 2_000, timeoutMs: 5 * 60_000, ...opts },
  );
}

const CERT_FAILED = new Set(['FAILED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'EXPIRED', 'INACTIVE']);

export function waitForCertificate(clients: AwsClients, certificateArn: string, opts?: WaitOptions): Promise<CertificateDetail> {
  return waitForStatus(
    `certificate ${certificateArn}`,
    async () => (await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: certificateArn }))).Certificate,
    (cert) => cert.Status,
    'ISSUED',
    CERT_FAILED,
    { timeoutMs: 2 * 60 * 60_000, ...opts },
  );
}

export function waitForChange(clients: AwsClients, changeId: string, opts?: WaitOptions): Promise<void> {
  return waitUntil(
    `DNS change ${changeId}`,
    async () => (await clients.route53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status,
    (status): Verdict => (status === 'INSYNC' ? { done: true } : { done: false, status: status ?? 'unknown' }),
    { intervalMs: 10_000, ...opts },
  ).then(() => undefined);
}
