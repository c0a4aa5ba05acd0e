import { z } from 'zod';
import type { UiError } from '../../../shared/ipc/events.js';

/** An error raised by a handler itself, already in the user's terms. */
export class UiFailure extends Error {
  override readonly name = 'UiFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * Engine errors carry `code` and `hint` (SshError, AwsLayerError, project errors): they pass as
 * they are. Anything else is a bug: the user gets one line and what to do, the log the stack.
 */
export function toUiError(err: unknown, log: (text: string) => void = (t) => console.error(t)): UiError {
  if (err instanceof z.ZodError) {
    log(`skylift: reply failed its schema: ${err.message}`);
    return { code: 'INTERNAL', message: 'Skylift produced data it could not check', hint: 'this is a bug in Skylift: please report it with the log' };
  }
  if (err instanceof Error) {
    const { code, hint } = err as { code?: unknown; hint?: unknown };
    if (typeof hint === 'string' && hint) return { code: typeof code === 'string' ? code : 'ERROR', message: err.message, hint };
    log(`skylift: unexpected error: ${err.stack ?? err.message}`);
    return { code: typeof code === 'string' ? code : 'UNEXPECTED', message: err.message.split('\n')[0] ?? 'unexpected error', hint: 'try again; if it happens again, report it with the log' };
  }
  log(`skylift: unexpected failure: ${String(err)}`);
  return { code: 'UNEXPECTED', message: String(err), hint: 'try again; if it happens again, report it with the log' };
}
