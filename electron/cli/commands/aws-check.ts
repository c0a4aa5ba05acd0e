import type { Command } from 'commander';
import type { AwsCheckReport } from '../../../shared/schema/aws.js';

export interface AwsCheckFlags {
  region: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
  maxAttempts?: number;
}

function render(report: AwsCheckReport): string {
  const count = (d: string) => report.permissions.actions.filter((a) => a.decision === d).length;
  const lines = [
    `Identity     ${report.identity.arn} (account ${report.identity.account}, ${report.identity.kind})`,
    `Region       ${report.region}${report.endpoint ? ` via ${report.endpoint}` : ''}`,
    `Permissions  ${count('allowed')} allowed, ${count('denied')} denied, ${count('could-not-verify')} could not verify`,
    ...report.permissions.actions.filter((a) => a.decision === 'denied').map((a) => `  denied: ${a.action}${a.why ? ` (${a.why})` : ''}`),
    'Quotas',
    ...report.quotas.map((q) => `  ${q.name}: ${q.used ?? '?'} of ${q.limit ?? '?'} used, plan needs ${q.needed}: ${q.status}${q.note ? ` (${q.note})` : ''}`),
    report.offerings
      ? `Offerings    ${report.offerings.platformBranches.length} Node.js platform branches, ${report.offerings.engineVersions.length} database engine versions`
      : 'Offerings    not available',
  ];
  if (report.problems.length) lines.push('Problems', ...report.problems.flatMap((p) => [`  - ${p.what}`, `    what to do: ${p.hint}`]));
  else lines.push('No problems found.');
  return lines.join('\n') + '\n';
}

/** `skylift aws check`; returns the exit code (1 when something would stop a plan). */
export async function runAwsCheck(flags: AwsCheckFlags, out: { write(text: string): unknown }): Promise<number> {
  // Loaded on use: the SDK clients cost a second of start-up that other commands must not pay.
  const [{ awsCheck, checkBlocks }, { createAwsClients, DEFAULT_MAX_ATTEMPTS }] = await Promise.all([
    import('../../engine/aws/aws-check.js'),
    import('../../engine/aws/clients.js'),
  ]);
  const clients = createAwsClients({
    region: flags.region,
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
    maxAttempts: flags.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
  try {
    const report = await awsCheck(clients, flags.endpointUrl ? { endpoint: flags.endpointUrl } : {});
    out.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : render(report));
    return checkBlocks(report) ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

export function registerAws(program: Command): void {
  const aws = program.command('aws').description('AWS account checks');
  aws
    .command('check')
    .description('who am I, may I run a plan, would a quota block it, and what AWS offers today')
    .requiredOption('--region <region>', 'AWS region, e.g. us-east-1')
    .option('--profile <name>', 'named profile from ~/.aws/config (SSO and assume-role included); default: the SDK chain')
    .option('--endpoint-url <url>', 'send every call to this endpoint (https unless on this machine)')
    .option('--max-attempts <n>', 'attempts per call, retries included', (v) => Number.parseInt(v, 10))
    .option('--json', 'print the report as JSON')
    .action(async (flags: AwsCheckFlags) => {
      process.exitCode = await runAwsCheck(flags, process.stdout);
    });
}
