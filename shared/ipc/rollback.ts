import { z } from 'zod';
import { Phase } from '../schema/plan.js';

/** What a rollback would undo now, read from the journal, for the person to see before saying yes. */
export const RollbackPreview = z.object({
  /** Latest first, as the rollback undoes them. */
  steps: z.array(z.object({ id: z.string(), title: z.string(), phase: Phase, undo: z.string(), halfDone: z.boolean() })),
  /** Steps that cannot be undone at all: the rollback refuses while there are any. */
  irreversible: z.array(z.object({ step: z.string(), reason: z.string() })),
  /** Done steps past the point of no return (traffic and writes are on AWS). */
  pastReturn: z.array(z.string()),
  /** Copies back the runner cannot make: rolling back loses the writes they carry unless they are copied by hand. */
  lostWrites: z.array(z.string()),
  /** Whether an undo deletes a database (a final snapshot is kept unless asked not to). */
  deletesDatabases: z.boolean(),
});
export type RollbackPreview = z.infer<typeof RollbackPreview>;

export const RollbackRequest = z
  .object({
    /** Go back although the writes listed in `lostWrites` are lost. */
    acceptDataLoss: z.boolean(),
    /** Keep a final snapshot of each database it deletes. */
    finalSnapshot: z.boolean(),
  })
  .strict();
