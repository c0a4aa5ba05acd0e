import { z } from 'zod';
import { ProjectId } from './project.js';

/** One line of Skylift's own known_hosts file. */
export const KnownHost = z.object({
  line: z.number().int().min(1),
  /** The names it is for, or "(hashed name)". */
  hosts: z.string(),
  keyType: z.string(),
  fingerprint: z.string(),
  marker: z.enum(['revoked', 'cert-authority']).nullable(),
});
export type KnownHost = z.infer<typeof KnownHost>;

export const SECRET_KINDS = ['source', 'aws-keys'] as const;
export const SecretKind = z.enum(SECRET_KINDS);
export type SecretKind = z.infer<typeof SecretKind>;

/** A secret kept encrypted (safeStorage) for a project: its name only, never its value. */
export const StoredSecret = z.object({ projectId: ProjectId, project: z.string(), kind: SecretKind, name: z.string() });
export type StoredSecret = z.infer<typeof StoredSecret>;

export const AwsProfile = z.object({
  name: z.string(),
  /** Which of ~/.aws/config and ~/.aws/credentials name it. */
  files: z.array(z.enum(['config', 'credentials'])),
  /** Projects whose target uses it. */
  usedBy: z.array(z.string()),
});
export type AwsProfile = z.infer<typeof AwsProfile>;

export const SettingsState = z.object({
  knownHostsFile: z.string(),
  knownHosts: z.array(KnownHost),
  secrets: z.array(StoredSecret),
  /** Whether the OS offers encrypted storage (without it nothing is kept). */
  encryption: z.boolean(),
  awsProfiles: z.array(AwsProfile),
});
export type SettingsState = z.infer<typeof SettingsState>;
