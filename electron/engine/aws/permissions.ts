import { GetRoleCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import type { AwsIdentity, PermissionCheck, PermissionReport } from '../../../shared/schema/aws.js';
import type { AwsClients } from './clients.js';
import { AWS_OPERATIONS } from './operations.js';

const EB_STACK = 'Elastic Beanstalk builds the environment with your permissions (CloudFormation stack, Auto Scaling, EC2, load balancer)';

/** Actions Skylift needs that are not its own calls: EB acts with the caller's permissions. */
const INDIRECT: PermissionCheck[] = [
  ['iam:PassRole', 'Elastic Beanstalk receives the service role and instance profile'],
  ['cloudformation:CreateStack', EB_STACK],
  ['cloudformation:UpdateStack', EB_STACK],
  ['cloudformation:DeleteStack', EB_STACK],
  ['cloudformation:DescribeStacks', EB_STACK],
  ['autoscaling:CreateAutoScalingGroup', EB_STACK],
  ['autoscaling:DescribeAutoScalingGroups', EB_STACK],
  ['ec2:RunInstances', EB_STACK],
  ['ec2:CreateLaunchTemplate', EB_STACK],
  ['elasticloadbalancing:CreateLoadBalancer', EB_STACK],
].map(([action, why]) => ({ action: action!, decision: 'could-not-verify' as const, why: why! }));

/** Every IAM action a plan may need: the registry's (identity calls aside) and EB's indirect ones. */
export function requiredActions(): PermissionCheck[] {
  const own = AWS_OPERATIONS.filter((o) => o.action !== 'sts:GetCallerIdentity' && !o.viaCredentials).map((o) => o.action);
  const unique = [...new Set(own)].map((action): PermissionCheck => ({ action, decision: 'could-not-verify' }));
  return [...unique, ...INDIRECT.filter((i) => !own.includes(i.action))];
}

export function identityKind(arn: string): AwsIdentity['kind'] {
  const resource = arn.split(':').slice(5).join(':');
  if (resource === 'root') return 'root';
  if (resource.startsWith('user/')) return 'user';
  if (resource.startsWith('assumed-role/')) return 'assumed-role';
  if (resource.startsWith('federated-user/')) return 'federated-user';
  return 'other';
}

const SIMULATE_BATCH = 50;

function unverified(principal: string | null, reason: string, actions: PermissionCheck[]): PermissionReport {
  return { principal, notVerifiedReason: reason, actions: actions.map((a) => ({ ...a, decision: 'could-not-verify' })) };
}

/** Asks IAM's policy simulator whether the identity may make each call; where the simulator
 * cannot be used (root, federated users, no iam:SimulatePrincipalPolicy) says so instead. */
export async function checkPermissions(clients: AwsClients, identity: AwsIdentity, actions = requiredActions()): Promise<PermissionReport> {
  let principal: string;
  if (identity.kind === 'user') principal = identity.arn;
  else if (identity.kind === 'assumed-role') {
    // The session ARN omits the role's path (SSO roles live under aws-reserved/…): ask IAM for it.
    const roleName = identity.arn.split('/')[1] ?? '';
    try {
      principal = (await clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!.Arn!;
    } catch (err) {
      return unverified(null, `could not read role ${roleName} (${(err as Error).name}): ${(err as Error).message}`, actions);
    }
  } else {
    return unverified(null, `the ${identity.kind} identity cannot be checked with IAM's policy simulator`, actions);
  }
  const decisions = new Map<string, string>();
  try {
    for (let i = 0; i < actions.length; i += SIMULATE_BATCH) {
      const names = actions.slice(i, i + SIMULATE_BATCH).map((a) => a.action);
      let marker: string | undefined;
      do {
        const page = await clients.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: principal, ActionNames: names, ...(marker ? { Marker: marker } : {}) }));
        for (const r of page.EvaluationResults ?? []) decisions.set(r.EvalActionName!, r.EvalDecision!);
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
    }
  } catch (err) {
    return unverified(principal, `IAM policy simulation failed (${(err as Error).name}): ${(err as Error).message}`, actions);
  }
  return {
    principal,
    notVerifiedReason: null,
    actions: actions.map((a) => {
      const d = decisions.get(a.action);
      return { ...a, decision: d === 'allowed' ? 'allowed' : d ? 'denied' : 'could-not-verify' };
    }),
  };
}
