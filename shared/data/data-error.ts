import type { DataErrorCode, DataErrorInfo, VerifyReport } from '../schema/data.js';

/**
 * A data copy or verification failure in terms a user can act on; the CLI prints `code`,
 * `message` and `hint`. Messages are built from our own words and masked URLs: a driver's text
 * is passed through `scrub` first, so a password can never ride along.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  /** Set once cleanup ran: whether the target is as it was before (or empty, after --replace). */
  targetClean: boolean | undefined;
  /** VERIFY_MISMATCH: the report naming what differs. */
  readonly report: VerifyReport | undefined;

  constructor(
    readonly code: DataErrorCode,
    message: string,
    readonly hint: string,
    options: { cause?: unknown; targetClean?: boolean; report?: VerifyReport } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.targetClean = options.targetClean;
    this.report = options.report;
  }

  toJSON(): DataErrorInfo {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.targetClean === undefined ? {} : { targetClean: this.targetClean }) };
  }
}

export const isDataError = (err: unknown, code?: DataErrorCode): err is DataError => err instanceof DataError && (code === undefined || err.code === code);

/** Removes every occurrence of each secret (and its URL-encoded form) from a text. */
export function scrub(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}
