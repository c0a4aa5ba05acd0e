import { z } from 'zod';

/**
 * What `skylift aws check` reports, and the live AWS offerings `skylift plan --refresh` uses in
 * place of the bundled dated snapshot. Nothing here is secret: identities are ARNs, never keys.
 */

export const AwsIdentity = z.object({
  account: z.string(),
  arn: z.string(),
  userId: z.string(),
  kind: z.enum(['user', 'assumed-role', 'root', 'federated-user', 'other']),
});
export type AwsIdentity = z.infer<typeof AwsIdentity>;

export const PermissionDecision = z.enum(['allowed', 'denied', 'could-not-verify']);
export type PermissionDecision = z.infer<typeof PermissionDecision>;

export const PermissionCheck = z.object({
  /** IAM action, e.g. `rds:CreateDBInstance`. */
  action: z.string(),
  decision: PermissionDecision,
  /** Why Skylift needs it, when it is not a call Skylift makes itself (e.g. EB's CloudFormation stack). */
  why: z.string().optional(),
});
export type PermissionCheck = z.infer<typeof PermissionCheck>;

export const PermissionReport = z.object({
  /** The IAM entity whose policies were simulated (a user or role ARN). */
  principal: z.string().nullable(),
  /** Set when the simulation could not run; every action is then `could-not-verify`. */
  notVerifiedReason: z.string().nullable(),
  actions: z.array(PermissionCheck),
});
export type PermissionReport = z.infer<typeof PermissionReport>;

export const QuotaCheck = z.object({
  serviceCode: z.string(),
  quotaCode: z.string(),
  name: z.string(),
  /** The quota in force (applied value, else AWS default); null if it could not be read. */
  limit: z.number().nullable(),
  /** Resources already counted against it in this region; null if they could not be counted. */
  used: z.number().nullable(),
  /** How many more the plan needs. */
  needed: z.number(),
  status: z.enum(['ok', 'blocks', 'could-not-verify']),
  note: z.string().optional(),
});
export type QuotaCheck = z.infer<typeof QuotaCheck>;

export const PlatformBranch = z.object({
  name: z.string(),
  platform: z.string(),
  lifecycle: z.string(),
  order: z.number().nullable(),
});

export const EngineVersion = z.object({
  engine: z.string(),
  version: z.string(),
  major: z.string().nullable(),
  status: z.string().nullable(),
});

export const AwsOfferings = z.object({
  region: z.string(),
  /** ISO time the offerings were read from AWS. */
  fetchedAt: z.string(),
  platformBranches: z.array(PlatformBranch),
  engineVersions: z.array(EngineVersion),
});
export type AwsOfferings = z.infer<typeof AwsOfferings>;

export const AwsCheckReport = z.object({
  checkedAt: z.string(),
  region: z.string(),
  /** Set when requests went to an endpoint override rather than AWS. */
  endpoint: z.string().nullable(),
  identity: AwsIdentity,
  permissions: PermissionReport,
  quotas: z.array(QuotaCheck),
  /** Null when the offerings could not be read (the reason is in `problems`). */
  offerings: AwsOfferings.nullable(),
  /** Everything that would stop a plan, each with what to do. */
  problems: z.array(z.object({ what: z.string(), hint: z.string() })),
});
export type AwsCheckReport = z.infer<typeof AwsCheckReport>;
