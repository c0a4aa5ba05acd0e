import { z } from 'zod';
import { CAUSES } from '../doctor/diagnose.js';
import { Phase } from '../schema/plan.js';
import { AwsRegion, DirectCredentials } from './project.js';

/** Which account and region the doctor looks in; the keys stay in main for the fix and its undo. */
export const DoctorAccess = z.object({ region: AwsRegion, credentials: DirectCredentials }).strict();
export type DoctorAccess = z.infer<typeof DoctorAccess>;

const HttpUrl = z
  .string()
  .trim()
  .max(2048)
  .regex(/^(https?|wss?):\/\/[^\s/?#@]+(\/[^\s]*)?$/i, 'not an http(s) URL, e.g. https://api.example.com/');

export const DoctorExamineRequest = z
  .object({
    access: DoctorAccess,
    environment: z.string().trim().min(4, 'name the environment (4 to 40 characters)').max(40).regex(/^[A-Za-z0-9-]+$/, 'an environment name has letters, digits and hyphens only'),
    /** Domains pointing at the environment, besides the ones Route 53 names. */
    urls: z.array(HttpUrl).max(10),
    /** A Socket.IO event the app echoes back, for the round trip. */
    echoEvent: z.string().trim().min(1).max(100).nullable(),
  })
  .strict();
export type DoctorExamineRequest = z.infer<typeof DoctorExamineRequest>;

const FixId = z.string().regex(/^doctor-[a-z0-9-]{1,55}$/, 'not a doctor fix id');

/** The credentials again (never kept): the region and the rest come from the fix's own record. */
export const DoctorUndoRequest = z.object({ credentials: DirectCredentials, fixId: FixId }).strict();
export type DoctorUndoRequest = z.infer<typeof DoctorUndoRequest>;

/** What is kept beside a fix's journal, so it can be undone after a restart: never a credential. */
export const DoctorFixRecord = z.object({
  fixId: FixId,
  environment: z.string(),
  region: z.string(),
  urls: z.array(z.string()),
  echoEvent: z.string().nullable(),
  at: z.string(),
});
export type DoctorFixRecord = z.infer<typeof DoctorFixRecord>;

/** A fix made earlier, and whether its journal shows anything left to undo. */
export const DoctorFix = DoctorFixRecord.extend({ undoable: z.boolean() });
export type DoctorFix = z.infer<typeof DoctorFix>;

export const DoctorEnvironment = z.object({ name: z.string(), application: z.string(), status: z.string(), health: z.string().nullable(), cname: z.string() });
export type DoctorEnvironment = z.infer<typeof DoctorEnvironment>;

const Listener = z.object({ port: z.number(), protocol: z.string(), instancePort: z.number(), instanceProtocol: z.string(), certificate: z.string().nullable() });

const Handshake = z.object({
  url: z.string(),
  polling: z.object({ status: z.number().nullable(), opened: z.boolean(), error: z.string().nullable() }),
  websocket: z.object({ status: z.number().nullable(), upgraded: z.boolean(), error: z.string().nullable() }),
  echo: z.object({ event: z.string(), ok: z.boolean(), detail: z.string() }).nullable(),
});
export type DoctorHandshake = z.infer<typeof Handshake>;

/**
 * One examination as the window shows it: what was read, each cause with its evidence, and the
 * fix plan (each step with its undo). Only what is safe to show: no environment property values.
 */
export const DoctorReport = z.object({
  /** Names this examination in main, where its facts and the fix built from them wait. */
  examinationId: z.string(),
  environment: z.object({ name: z.string(), application: z.string(), cname: z.string(), platform: z.string(), versionLabel: z.string().nullable(), status: z.string(), region: z.string() }),
  loadBalancer: z.object({ kind: z.enum(['classic', 'application', 'none']), listeners: z.array(Listener), idleTimeoutSeconds: z.number().nullable(), stickiness: z.boolean().nullable() }),
  instances: z.object({ running: z.number(), maxSize: z.number() }),
  bundleError: z.string().nullable(),
  handshakes: z.array(Handshake),
  healthy: z.boolean(),
  findings: z.array(z.object({ id: z.enum(CAUSES), title: z.string(), evidence: z.array(z.string()), fix: z.string(), automatic: z.boolean() })),
  ping: z.object({ intervalMs: z.number(), timeoutMs: z.number(), fromHandshake: z.boolean() }),
  /** What Fix does, step by step; null when nothing can be fixed automatically. */
  fix: z.object({ id: z.string(), steps: z.array(z.object({ id: z.string(), phase: Phase, title: z.string(), undo: z.string() })) }).nullable(),
});
export type DoctorReport = z.infer<typeof DoctorReport>;
