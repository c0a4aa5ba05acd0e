import { z } from 'zod';
import { Answers } from '../schema/answers.js';
import { AwsCheckReport } from '../schema/aws.js';
import { TargetDesign } from '../schema/design.js';
import { Inventory } from '../schema/inventory.js';
import { Plan } from '../schema/plan.js';
import { CutoverState } from './runner-event.js';

/** The wizard's steps in order; a project remembers the one it was left on. */
export const WIZARD_STEPS = ['source', 'inventory', 'target', 'design', 'websockets', 'plan', 'cutover', 'done'] as const;
export const WizardStep = z.enum(WIZARD_STEPS);
export type WizardStep = z.infer<typeof WizardStep>;

export const ProjectId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'not a project id');

/** How to reach the box. Never holds a password or passphrase: those live encrypted beside it. */
export const SourceSettings = z
  .object({
    /** A `~/.ssh/config` alias, a host name or an address. */
    destination: z.string().trim().min(1, 'name the box').max(255),
    user: z.string().trim().max(64).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    auth: z.enum(['agent', 'key', 'password']),
    /** Private key file, for auth = key. */
    keyPath: z.string().trim().max(4096).optional(),
    /** Jump chain, as `ssh -J`. */
    jump: z.string().trim().max(1024).optional(),
    /** Elevate with `sudo -n` where that needs no password. */
    sudo: z.boolean(),
  })
  .strict();
export type SourceSettings = z.infer<typeof SourceSettings>;

export const SourceSecrets = z
  .object({ password: z.string().max(1024).optional(), passphrase: z.string().max(1024).optional() })
  .strict();
export type SourceSecrets = z.infer<typeof SourceSecrets>;

export const ProjectSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sample'), sample: z.string() }),
  z.object({ kind: z.literal('box'), settings: SourceSettings.nullable() }),
]);
export type ProjectSource = z.infer<typeof ProjectSource>;

export const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region, e.g. us-east-1');

const DefaultChain = z.object({ kind: z.literal('default') });
const Profile = z.object({ kind: z.literal('profile'), profile: z.string().trim().min(1, 'name the profile').max(128) });
const TypedKeys = z.object({ kind: z.literal('keys'), accessKeyId: z.string().trim().min(16).max(128), secretAccessKey: z.string().min(16).max(256) }).strict();

/** Where AWS credentials come from; typed keys are stored encrypted, never sent back. */
export const CredentialChoice = z.discriminatedUnion('kind', [
  DefaultChain,
  Profile,
  TypedKeys,
  /** The keys saved earlier for this project. */
  z.object({ kind: z.literal('saved-keys') }),
]);
export type CredentialChoice = z.infer<typeof CredentialChoice>;

/** Credentials outside any project (the WebSocket doctor): nothing saved to choose from. */
export const DirectCredentials = z.discriminatedUnion('kind', [DefaultChain, Profile, TypedKeys]);
export type DirectCredentials = z.infer<typeof DirectCredentials>;

export const TargetState = z.object({
  region: z.string(),
  /** How to get the credentials again for the cutover (never the keys themselves). */
  source: z.discriminatedUnion('kind', [z.object({ kind: z.literal('default') }), z.object({ kind: z.literal('profile'), profile: z.string() }), z.object({ kind: z.literal('saved-keys') }), z.object({ kind: z.literal('typed-keys') })]),
  /** What the credentials were, safe to show: a profile name or the key id's last 4. */
  credentials: z.string(),
  report: AwsCheckReport.nullable(),
});
export type TargetState = z.infer<typeof TargetState>;

/** What is written to the project folder (project.json); everything else is derived or in its own file. */
export const ProjectMeta = z.object({
  schemaVersion: z.literal(1),
  id: ProjectId,
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  step: WizardStep,
  source: ProjectSource,
  target: TargetState.nullable(),
  exports: z.array(z.object({ what: z.string(), dir: z.string(), files: z.array(z.string()), at: z.string() })),
});
export type ProjectMeta = z.infer<typeof ProjectMeta>;

export const ProjectSummary = ProjectMeta.pick({ id: true, name: true, updatedAt: true, step: true, source: true });
export type ProjectSummary = z.infer<typeof ProjectSummary>;

/** Everything the wizard shows for one project. */
export const ProjectState = z.object({
  meta: ProjectMeta,
  /** Whether a password/passphrase for the box is saved (never the value). */
  savedSourceSecret: z.boolean(),
  savedAwsKeys: z.boolean(),
  inventories: z.array(Inventory),
  answers: Answers,
  design: TargetDesign.nullable(),
  /** Once the cutover has started, the plan it runs (plan.json, fixed); before, the plan the design gives. */
  plan: Plan.nullable(),
  cutover: CutoverState.nullable(),
});
export type ProjectState = z.infer<typeof ProjectState>;

export const EXPORT_KINDS = ['all', 'runbook', 'json', 'eb-bundle', 'rollback'] as const;
export const ExportKind = z.enum(EXPORT_KINDS);
export type ExportKind = z.infer<typeof ExportKind>;
