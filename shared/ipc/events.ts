import { z } from 'zod';
import { DoctorReport } from './doctor.js';
import { RunnerEventSchema } from './runner-event.js';

/** An error as the user sees it: what happened and what to do next, never a stack trace. */
export const UiError = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string(),
});
export type UiError = z.infer<typeof UiError>;

export const HostKeyQuestion = z.object({
  label: z.string(),
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
});
export type HostKeyQuestion = z.infer<typeof HostKeyQuestion>;

/** Progress of a long job (inventory, cutover, doctor), streamed from main to the window. */
export const JobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('phase'), jobId: z.string(), phase: z.enum(['connecting', 'probing', 'parsing', 'examining']), detail: z.string() }),
  z.object({
    type: z.literal('section'),
    jobId: z.string(),
    name: z.string(),
    state: z.enum(['running', 'done']),
    done: z.number().int(),
    total: z.number().int(),
  }),
  z.object({ type: z.literal('host-key'), jobId: z.string(), promptId: z.string(), question: HostKeyQuestion }),
  /** A cutover gate or manual step waiting for a person's yes. */
  z.object({ type: z.literal('confirm'), jobId: z.string(), promptId: z.string(), question: z.string() }),
  z.object({ type: z.literal('runner'), jobId: z.string(), event: RunnerEventSchema }),
  /** What the WebSocket doctor found (after an examination, a fix or an undo). */
  z.object({ type: z.literal('doctor'), jobId: z.string(), report: DoctorReport }),
  z.object({ type: z.literal('done'), jobId: z.string() }),
  z.object({ type: z.literal('failed'), jobId: z.string(), error: UiError }),
  z.object({ type: z.literal('cancelled'), jobId: z.string() }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
