import { z } from 'zod';

/**
 * A migration's journal: append-only JSON lines in the data directory, one record per line,
 * fsync'd as written. The intent of every call is written before it is made (with the client
 * token or resource name it uses) and its outcome after, so a run killed at any point can be
 * reconciled with AWS and resumed. Parameters are kept in display form: values read from the box
 * or SSM appear as placeholders, never as themselves.
 */

export const JOURNAL_SCHEMA_VERSION = 1 as const;

const base = { seq: z.number().int().nonnegative(), at: z.string() };

export const RunMode = z.enum(['apply', 'rollback', 'cleanup']);
export type RunMode = z.infer<typeof RunMode>;

export const MigrationRecord = z.object({
  ...base,
  type: z.literal('migration'),
  schemaVersion: z.literal(JOURNAL_SCHEMA_VERSION),
  id: z.string(),
  planHash: z.string(),
  region: z.string(),
  /** The account the first run saw: every later run must see the same one. */
  account: z.string(),
  endpoint: z.string().nullable(),
});

export const RunRecord = z.object({
  ...base,
  type: z.literal('run'),
  mode: RunMode,
  pid: z.number().int(),
  host: z.string(),
  options: z.record(z.string(), z.json()),
});

export const RunEndRecord = z.object({
  ...base,
  type: z.literal('run-end'),
  mode: RunMode,
  result: z.enum(['completed', 'stopped', 'failed']),
  reason: z.string().nullable(),
});

export const StepRecord = z.object({
  ...base,
  type: z.literal('step'),
  /** `undo-*` events belong to rollback. */
  event: z.enum(['start', 'done', 'failed', 'gate', 'undo-start', 'undone', 'undo-failed']),
  step: z.string(),
  error: z.string().nullable().default(null),
  hint: z.string().nullable().default(null),
});

/** One external effect about to happen: an AWS call, a remote command, an upload, a copy. */
export const CallRecord = z.object({
  ...base,
  type: z.literal('call'),
  step: z.string(),
  /** `<step>#<n>[.<each>]`, `<step>#undo#<n>`, `<step>#verify#<n>`: the action's stable key. */
  key: z.string(),
  kind: z.enum(['aws', 'remote', 'dns', 'upload', 'data-copy', 'secret']),
  service: z.string().nullable(),
  operation: z.string(),
  params: z.json(),
  /** Client token or the deterministic resource name the call uses. */
  token: z.string().nullable(),
});

export const ResultRecord = z.object({
  ...base,
  type: z.literal('result'),
  /** The call record's seq. */
  call: z.number().int(),
  key: z.string(),
  ok: z.boolean(),
  /** Named outputs, as the plan's output expressions read them. */
  outputs: z.record(z.string(), z.json()),
  /** Found already done (by name or tag) instead of done by this call. */
  adopted: z.boolean().default(false),
  error: z.string().nullable().default(null),
  code: z.string().nullable().default(null),
});

/** A DNS name's records before the plan first changed it (what rollback puts back). */
export const DnsBeforeRecord = z.object({
  ...base,
  type: z.literal('dns-before'),
  zone: z.string(),
  name: z.string(),
  recordSets: z.array(z.json()),
});

export const NoteRecord = z.object({
  ...base,
  type: z.literal('note'),
  step: z.string().nullable(),
  /** The action the note is about (a fixed wait's start, an unchecked verification). */
  key: z.string().nullable().default(null),
  message: z.string(),
});

export const JournalRecord = z.discriminatedUnion('type', [MigrationRecord, RunRecord, RunEndRecord, StepRecord, CallRecord, ResultRecord, DnsBeforeRecord, NoteRecord]);
export type JournalRecord = z.infer<typeof JournalRecord>;
export type MigrationRecord = z.infer<typeof MigrationRecord>;
export type StepRecord = z.infer<typeof StepRecord>;
export type CallRecord = z.infer<typeof CallRecord>;
export type ResultRecord = z.infer<typeof ResultRecord>;
export type DnsBeforeRecord = z.infer<typeof DnsBeforeRecord>;

/** Distributes Omit over the union, so each record kind keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewJournalRecord = DistributiveOmit<z.input<typeof JournalRecord>, 'seq' | 'at'>;
