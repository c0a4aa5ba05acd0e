/** A run stopped with what to do next (printed by the CLI, shown by the app). */
export class RunnerError extends Error {
  override readonly name = 'RunnerError';
  constructor(
    readonly code: RunnerErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type RunnerErrorCode =
  | 'PLAN_INVALID'
  | 'PLAN_NOT_APPLICABLE'
  | 'PLAN_CHANGED'
  | 'WRONG_ACCOUNT'
  | 'WRONG_REGION'
  | 'UNSUPPORTED_OPERATION'
  | 'NO_MIGRATION'
  | 'FROM_BLOCKED'
  | 'STEP_FAILED'
  | 'VERIFY_FAILED'
  | 'BUDGET_EXCEEDED'
  | 'TTL_NOT_EXPIRED'
  | 'POINT_OF_NO_RETURN'
  | 'CANCELLED';

export const isRunnerError = (err: unknown): err is RunnerError => err instanceof RunnerError;

/** A `$ref` to an output the journal does not hold: the producing action never completed. */
export class MissingOutput extends RunnerError {
  constructor(
    readonly step: string,
    readonly output: string,
  ) {
    super('STEP_FAILED', `step ${step} has no output ${output} yet`, `run ${step} first (the journal shows what is done: skylift status)`);
  }
}
