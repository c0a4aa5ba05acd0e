import { z } from 'zod';
import { Phase } from '../schema/plan.js';

const Mode = z.enum(['apply', 'rollback', 'cleanup']);

/**
 * What the cutover runner reports while it goes (electron/engine/runner/events.ts), as a schema,
 * so main checks every event before it reaches the window.
 */
export const RunnerEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('migration'), id: z.string(), mode: Mode, resumed: z.boolean(), tookOverLockFrom: z.number().nullable() }),
  z.object({
    type: z.literal('step'),
    step: z.string(),
    phase: Phase,
    title: z.string(),
    status: z.enum(['start', 'done', 'failed', 'skipped', 'undo-start', 'undone', 'undo-failed']),
    elapsedMs: z.number(),
    expectedMs: z.tuple([z.number(), z.number()]),
    error: z.string().optional(),
    hint: z.string().optional(),
  }),
  z.object({ type: z.literal('progress'), step: z.string(), phase: Phase, percent: z.number(), detail: z.string(), elapsedMs: z.number(), expectedMs: z.tuple([z.number(), z.number()]) }),
  z.object({ type: z.literal('aws-event'), step: z.string(), source: z.string(), severity: z.string(), message: z.string(), at: z.string() }),
  z.object({ type: z.literal('notice'), step: z.string().nullable(), level: z.enum(['info', 'warn']), message: z.string() }),
  z.object({ type: z.literal('manual'), step: z.string(), instructions: z.string() }),
  z.object({ type: z.literal('end'), mode: Mode, result: z.enum(['completed', 'stopped', 'failed']), reason: z.string().nullable() }),
]);
export type RunnerEventSchema = z.infer<typeof RunnerEventSchema>;

/** Where a project's cutover stands, read from its journal (so it survives a restart). */
export const CutoverState = z.object({
  migrationId: z.string(),
  done: z.array(z.string()),
  failed: z.array(z.object({ step: z.string(), error: z.string().nullable(), hint: z.string().nullable() })),
  /** Started, never finished: a run ended (or the app quit) inside them. */
  interrupted: z.array(z.string()),
  undone: z.array(z.string()),
  lastRun: z.object({ mode: Mode, result: z.enum(['completed', 'stopped', 'failed']).nullable(), reason: z.string().nullable() }).nullable(),
});
export type CutoverState = z.infer<typeof CutoverState>;
