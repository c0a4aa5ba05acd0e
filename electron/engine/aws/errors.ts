export type AwsLayerErrorCode =
  | 'ENDPOINT'
  | 'CREDENTIALS'
  | 'UNREGISTERED_OPERATION'
  | 'NO_MIGRATION_ID'
  | 'WAIT_TIMEOUT'
  | 'WAIT_FAILED'
  | 'CANCELLED';

/** What went wrong in Skylift's AWS layer, with what the user can do next (printed by the CLI). */
export class AwsLayerError extends Error {
  override readonly name = 'AwsLayerError';
  constructor(
    readonly code: AwsLayerErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
}

const CREDENTIAL_ERRORS = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'AuthFailure', 'InvalidAccessKeyId', 'CredentialsProviderError', 'TokenProviderError']);
const DENIED_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'Forbidden']);
const THROTTLE_ERRORS = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'SlowDown', 'TooManyRequestsException']);

/** A one-line hint for an error the SDK threw; the AWS message itself never holds a secret. */
export function hintFor(err: unknown): string | undefined {
  const e = err as SdkError;
  const name = e?.name ?? '';
  if (CREDENTIAL_ERRORS.has(name)) {
    return 'AWS did not accept the credentials: check the profile (aws sso login for SSO profiles), the AWS_* environment variables, or the keys saved in Settings';
  }
  if (DENIED_ERRORS.has(name)) return 'the AWS identity lacks this permission; run `skylift aws check` to list every missing permission, then ask an administrator to grant them';
  if (THROTTLE_ERRORS.has(name)) return `AWS kept throttling after ${e.$metadata?.attempts ?? 'several'} attempts; wait a minute and resume, or raise --max-attempts`;
  if (e?.$metadata?.httpStatusCode && e.$metadata.httpStatusCode >= 500) return 'AWS had an internal error; resume the step, it is safe to retry';
  return undefined;
}
