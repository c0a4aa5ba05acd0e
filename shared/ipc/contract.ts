import { z } from 'zod';
import { Answers } from '../schema/answers.js';
import { DoctorAccess, DoctorEnvironment, DoctorExamineRequest, DoctorFix, DoctorUndoRequest } from './doctor.js';
import { JobEvent, UiError } from './events.js';
import { AwsRegion, CredentialChoice, ExportKind, ProjectId, ProjectState, ProjectSummary, SourceSecrets, SourceSettings, WizardStep } from './project.js';
import { RollbackPreview, RollbackRequest } from './rollback.js';
import { SecretKind, SettingsState } from './settings.js';

const none = z.object({}).strict();
const project = z.object({ projectId: ProjectId }).strict();

/**
 * The one IPC contract: each channel's request and reply schema. Main validates every request
 * and reply against it; the preload exposes one named function per channel and nothing else.
 * Long jobs reply with a job id at once and stream `JobEvent`s; `job:cancel` stops them.
 */
export const IPC = {
  'app:info': { request: none, reply: z.object({ version: z.string(), platform: z.string() }) },
  /** The window listens now: events held while it loaded are delivered, in order. */
  'app:ready': { request: none, reply: z.object({ delivered: z.number().int() }) },
  'projects:list': { request: none, reply: z.array(ProjectSummary) },
  'projects:create': {
    request: z.object({ name: z.string().trim().min(1, 'give the project a name').max(80), sample: z.string().max(64).optional() }).strict(),
    reply: ProjectState,
  },
  'projects:open': { request: project, reply: ProjectState },
  'projects:set-step': { request: project.extend({ step: WizardStep }), reply: ProjectState },
  'ssh:hosts': {
    request: none,
    reply: z.array(z.object({ alias: z.string(), hostName: z.string().nullable(), user: z.string().nullable(), port: z.number().nullable() })),
  },
  'inventory:probe-script': { request: none, reply: z.string() },
  'inventory:start': {
    request: project.extend({ source: SourceSettings, secrets: SourceSecrets, remember: z.boolean() }),
    reply: z.object({ jobId: z.string() }),
  },
  'job:cancel': { request: z.object({ jobId: z.string() }).strict(), reply: z.object({ cancelled: z.boolean() }) },
  /** Answers a job's question: trust a host key, pass a cutover gate. */
  'job:answer': { request: z.object({ promptId: z.string(), yes: z.boolean() }).strict(), reply: z.object({ known: z.boolean() }) },
  'target:check': {
    request: project.extend({ region: AwsRegion, credentials: CredentialChoice, remember: z.boolean() }),
    reply: ProjectState,
  },
  'design:answer': {
    request: project.extend({ answers: Answers, clear: z.array(z.string()).default([]) }),
    reply: ProjectState,
  },
  /** Starts the cutover, or resumes it from its journal; a cancelled job is a pause. */
  'cutover:start': { request: project, reply: z.object({ jobId: z.string() }) },
  /** What a rollback would undo now, and what it would cost. */
  'rollback:preview': { request: project, reply: RollbackPreview },
  /** Starts the rollback, or resumes it from the journal; like the cutover, a cancelled job is a pause. */
  'rollback:start': { request: project.extend(RollbackRequest.shape).strict(), reply: z.object({ jobId: z.string() }) },
  /** The account's Elastic Beanstalk environments, for the doctor to pick from. */
  'doctor:environments': { request: z.object({ access: DoctorAccess }).strict(), reply: z.array(DoctorEnvironment) },
  /** Reads an environment and shakes hands with it (changes nothing); the job streams progress, then a `doctor` event with the report. */
  'doctor:examine': { request: DoctorExamineRequest, reply: z.object({ jobId: z.string() }) },
  /** Applies an examination's fix plan after a confirmation, then examines again; `fixId` is what Undo takes. */
  'doctor:fix': { request: z.object({ examinationId: z.string().max(64) }).strict(), reply: z.object({ jobId: z.string(), fixId: z.string() }) },
  /** Fixes made from this app (latest first), including before a restart, with what is left to undo. */
  'doctor:fixes': { request: none, reply: z.array(DoctorFix) },
  /** Undoes a fix from its journal (the recorded settings put back), then examines again. */
  'doctor:undo': { request: DoctorUndoRequest, reply: z.object({ jobId: z.string() }) },
  'settings:read': { request: none, reply: SettingsState },
  /** Removes one key from Skylift's known hosts, if that line still holds that key. */
  'settings:forget-host': { request: z.object({ line: z.number().int().min(1), fingerprint: z.string().max(128) }).strict(), reply: SettingsState },
  'settings:forget-secret': { request: project.extend({ kind: SecretKind }), reply: SettingsState },
  'plan:export': {
    request: project.extend({ what: ExportKind }),
    reply: z.object({ saved: z.object({ dir: z.string(), files: z.array(z.string()) }).nullable() }),
  },
} as const;

export type Channel = keyof typeof IPC;
export type IpcRequest<C extends Channel> = z.input<(typeof IPC)[C]['request']>;
export type IpcReply<C extends Channel> = z.output<(typeof IPC)[C]['reply']>;

/** Every reply crosses the bridge as a result, so the renderer gets the error's hint, not a stack. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: UiError };

/** Events main pushes to the window, each with its schema. */
export const EVENTS = { 'job:event': JobEvent } as const;
export type EventChannel = keyof typeof EVENTS;
export type IpcEvent<E extends EventChannel> = z.output<(typeof EVENTS)[E]>;

/** Channel names as the preload's function names: 'projects:set-step' → projectsSetStep. */
export function apiName(channel: string): string {
  return channel.replace(/[:-](\w)/g, (_, c: string) => c.toUpperCase());
}

/** Event names as subscription functions: 'job:event' → onJobEvent. */
export const subscribeName = (event: string): string => `on${apiName(event).replace(/^\w/, (c) => c.toUpperCase())}`;

export const CHANNELS = Object.keys(IPC) as Channel[];
export const EVENT_CHANNELS = Object.keys(EVENTS) as EventChannel[];

/** The one channel every event travels on, tagged with its event name. */
export const EVENT_WIRE = 'skylift:event';
export interface EventEnvelope { event: EventChannel; payload: unknown }

type CamelName<S extends string> = S extends `${infer A}${':' | '-'}${infer B}` ? `${A}${Capitalize<CamelName<B>>}` : S;

/** What the renderer sees as `window.skylift`. */
export type SkyliftApi = { [C in Channel as CamelName<C>]: (req: IpcRequest<C>) => Promise<IpcResult<IpcReply<C>>> } & {
  [E in EventChannel as `on${Capitalize<CamelName<E>>}`]: (listener: (event: IpcEvent<E>) => void) => () => void;
};
