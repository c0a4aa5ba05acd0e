import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCheckReport, AwsIdentity } from '../../../shared/schema/aws.js';
import type { AwsClients } from './clients.js';
import { AwsLayerError, hintFor } from './errors.js';
import { fetchAwsOfferings } from './offerings.js';
import { checkPermissions, identityKind } from './permissions.js';
import { checkQuotas, type QuotaNeeds } from './quotas.js';

export interface AwsCheckOptions {
  /** Shown in the report when requests went to an endpoint override. */
  endpoint?: string;
  needs?: QuotaNeeds;
  now?: Date;
}

/** Who am I, may I make the plan's calls, would a quota block it, and what does AWS offer today. */
export async function awsCheck(clients: AwsClients, opts: AwsCheckOptions = {}): Promise<AwsCheckReport> {
  let identity: AwsIdentity;
  try {
    const me = await clients.sts.send(new GetCallerIdentityCommand({}));
    identity = { account: me.Account!, arn: me.Arn!, userId: me.UserId!, kind: identityKind(me.Arn!) };
  } catch (err) {
    if (err instanceof AwsLayerError) throw err;
    throw new AwsLayerError('CREDENTIALS', `AWS refused to say who these credentials belong to: ${(err as Error).message}`, hintFor(err) ?? 'check the credentials', { cause: err });
  }
  const [permissions, quotas, offerings] = await Promise.all([
    checkPermissions(clients, identity),
    checkQuotas(clients, opts.needs),
    fetchAwsOfferings(clients, opts.now).catch((err: Error) => err),
  ]);
  const problems: AwsCheckReport['problems'] = [];
  if (identity.kind === 'root') {
    problems.push({ what: 'these are the account root user\'s credentials', hint: 'create an IAM user or role for Skylift; AWS advises against using root keys' });
  }
  const denied = permissions.actions.filter((a) => a.decision === 'denied').map((a) => a.action);
  if (denied.length) {
    problems.push({ what: `${denied.length} permission(s) missing: ${denied.join(', ')}`, hint: `grant them to ${permissions.principal ?? identity.arn} (an IAM policy allowing these actions), then run the check again` });
  }
  if (permissions.notVerifiedReason) {
    problems.push({ what: `permissions could not be verified: ${permissions.notVerifiedReason}`, hint: 'allow iam:SimulatePrincipalPolicy (and iam:GetRole for roles) to check them, or proceed knowing a step may be refused' });
  }
  for (const q of quotas) {
    if (q.status === 'blocks') {
      problems.push({ what: `${q.name} quota would be exceeded: ${q.used} used of ${q.limit}, the plan needs ${q.needed} more`, hint: `request an increase in Service Quotas (${q.serviceCode} ${q.quotaCode}) or remove unused ones` });
    } else if (q.status === 'could-not-verify') {
      problems.push({ what: `${q.name} quota could not be checked: ${q.note}`, hint: 'allow servicequotas:GetServiceQuota and the Describe call that counts them' });
    }
  }
  if (offerings instanceof Error) {
    problems.push({ what: `could not read platform branches and engine versions: ${offerings.message}`, hint: 'plans will use the bundled dated snapshot' });
  }
  return {
    checkedAt: (opts.now ?? new Date()).toISOString(),
    region: clients.region,
    endpoint: opts.endpoint ?? null,
    identity,
    permissions,
    quotas,
    offerings: offerings instanceof Error ? null : offerings,
    problems,
  };
}

/** True when the report holds something that would stop a plan (not merely unverified). */
export function checkBlocks(report: AwsCheckReport): boolean {
  return report.permissions.actions.some((a) => a.decision === 'denied') || report.quotas.some((q) => q.status === 'blocks');
}
