import { z } from 'zod';

/**
 * The Plan: a DAG of steps in phases, each with the exact actions the cutover runner executes,
 * how it is verified, and its undo (or why it is irreversible). The plan holds no timestamps of
 * its own: same inputs, same bytes.
 *
 * Parameter values are JSON; a few object forms are resolved by the runner at apply time:
 * - `{ "$ref": "<step-id>.<output>" }` — an output of an earlier step (outputs are JMESPath
 *   expressions over the operation's response, or `stdout` for a remote command);
 * - `{ "$join": [ ... ] }` — the parts, resolved and concatenated as a string;
 * - `{ "$each": <list> }` — run the operation once per element of the list;
 * - `{ "$sourceEnv": { "host", "dir", "name", "replaceHost"? } }` — an environment value read
 *   from the box (never stored), optionally with its host:port replaced by an endpoint;
 * - `{ "$parameter": "<ssm name>" }` — a SecureString read from SSM (never stored).
 */

export const PLAN_SCHEMA_VERSION = 1 as const;

export const PHASES = [
  'prepare',
  'provision',
  'copy',
  'deploy',
  'verify',
  'freeze',
  'final-sync',
  'switch-dns',
  'watch',
  'decommission',
] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

/** JSON with the reference forms above; kept as plain JSON in the schema. */
export const Params = z.record(z.string(), z.json());
export type Params = z.infer<typeof Params>;

/** Output name → dotted path into the operation's response (or `stdout` for a remote command). */
export const Outputs = z.record(z.string(), z.string());

export const AwsAction = z.object({
  kind: z.literal('aws'),
  service: z.string(),
  operation: z.string(),
  params: Params,
  outputs: Outputs,
});

export const RemoteAction = z.object({
  kind: z.literal('remote'),
  /** The source box (inventory target label). */
  host: z.string(),
  command: z.string(),
  sudo: z.boolean(),
  outputs: Outputs,
});

export const DataCopyAction = z.object({
  kind: z.literal('data-copy'),
  engine: z.enum(['postgres', 'mysql', 'mariadb', 'redis', 'memcached', 'files', 'env', 'dns-zone', 'source-bundle']),
  method: z.string(),
  source: Params,
  target: Params,
  notes: z.array(z.string()),
});

export const ManualAction = z.object({
  kind: z.literal('manual'),
  instructions: z.string(),
});

export const WaitAction = z.object({
  kind: z.literal('wait'),
  what: z.string(),
  /** A fixed wait, or null when waiting on a condition (an SDK waiter or a check). */
  seconds: z.union([z.number(), z.null()]),
  waiter: z.object({ service: z.string(), name: z.string(), params: Params }).nullable(),
});

export const VerifyAction = z.object({
  kind: z.literal('verify'),
  check: z.enum(['http', 'websocket', 'socketio', 'dns', 'eb-health', 'row-counts', 'key-counts', 'file-counts', 'acm-issued', 'env-size', 'sql', 'account', 'output']),
  target: Params,
  expect: Params,
});

/**
 * Route 53 record changes. `type: null` means whatever records the name has (A, AAAA, CNAME);
 * `values: null` means the values the runner journaled for the name before the plan first
 * changed it — the current values the first time, the originals when undoing.
 */
export const DnsAction = z.object({
  kind: z.literal('dns'),
  hostedZoneId: z.json(),
  changes: z.array(
    z.object({
      action: z.enum(['UPSERT', 'DELETE']),
      name: z.string(),
      type: z.enum(['A', 'AAAA', 'CNAME']).nullable(),
      ttl: z.number().nullable(),
      values: z.array(z.json()).nullable(),
      alias: z.object({ hostedZoneId: z.json(), dnsName: z.json() }).nullable(),
    }),
  ),
  /** UPSERT the validation CNAMEs ACM lists for this certificate ARN. */
  certificateValidation: z.json().nullable(),
});

export const Action = z.discriminatedUnion('kind', [AwsAction, RemoteAction, DataCopyAction, ManualAction, WaitAction, VerifyAction, DnsAction]);
export type Action = z.infer<typeof Action>;
export type AwsAction = z.infer<typeof AwsAction>;
export type DnsChange = z.infer<typeof DnsAction>['changes'][number];
export type VerifyAction = z.infer<typeof VerifyAction>;

export const Undo = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('actions'), summary: z.string(), actions: z.array(Action), verify: z.array(Action) }),
  /** Nothing to undo (read-only step, or its effect disappears with a later undo). */
  z.object({ kind: z.literal('nothing'), reason: z.string() }),
  z.object({ kind: z.literal('irreversible'), reason: z.string() }),
]);
export type Undo = z.infer<typeof Undo>;

export const PlanStep = z.object({
  id: z.string(),
  phase: Phase,
  title: z.string(),
  why: z.string(),
  dependsOn: z.array(z.string()),
  preconditions: z.array(z.string()),
  actions: z.array(Action),
  verify: z.array(Action),
  undo: Undo,
  /** From this step on, writes land on AWS: going back means copying data back. */
  pointOfNoReturn: z.boolean(),
  /** Needs a person (a registrar, a console, a judgement). */
  manual: z.boolean(),
  durationMinutes: z.object({ min: z.number(), max: z.number() }),
  inDowntime: z.boolean(),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const Plan = z.object({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  kind: z.literal('skylift-plan'),
  migration: z.object({
    name: z.string(),
    region: z.string(),
    accountId: z.string().nullable(),
    tablesAsOf: z.string(),
    sources: z.array(z.object({ label: z.string(), collectedAt: z.string() })),
  }),
  /** False while any blocker is unresolved: the runner refuses to apply. */
  applicable: z.boolean(),
  openBlockers: z.array(z.object({ id: z.string(), title: z.string(), answerKey: z.string().nullable() })),
  tags: z.array(z.object({ Key: z.string(), Value: z.string() })),
  phases: z.array(Phase),
  steps: z.array(PlanStep),
  downtime: z.object({ steps: z.array(z.string()), maxMinutes: z.number() }),
});
export type Plan = z.infer<typeof Plan>;

/** The JSON Schema of plan.json (`skylift schema plan`). */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Plan) as Record<string, unknown>;
}
