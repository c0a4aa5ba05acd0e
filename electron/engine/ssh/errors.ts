/** What went wrong, in terms a user can act on; the CLI prints `code`, `message` and `hint`. */
export type SshErrorCode =
  | 'REFUSED'
  | 'TIMEOUT'
  | 'DNS'
  | 'AUTH'
  | 'HOST_KEY_CHANGED'
  | 'HOST_KEY_UNKNOWN'
  | 'HOST_KEY_REVOKED'
  | 'KEY_PASSPHRASE'
  | 'HANDSHAKE'
  | 'DISCONNECTED'
  | 'COMMAND_TIMEOUT'
  | 'CHANNEL'
  | 'CONFIG';

/** The host key facts behind a HOST_KEY_* error, for a UI that offers to trust or compare. */
export interface HostKeyFacts {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  /** Fingerprints already on record for this host (HOST_KEY_CHANGED), with where they are. */
  known?: { fingerprint: string; keyType: string; file: string; line: number }[];
}

/** Messages and hints never contain passwords or passphrases: they are built from our own words. */
export class SshError extends Error {
  override readonly name = 'SshError';
  readonly code: SshErrorCode;
  readonly hint: string;
  readonly hostKey: HostKeyFacts | undefined;

  constructor(code: SshErrorCode, message: string, hint: string, extra: { cause?: unknown; hostKey?: HostKeyFacts } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.hint = hint;
    this.hostKey = extra.hostKey;
  }
}

export const isSshError = (err: unknown, code?: SshErrorCode): err is SshError =>
  err instanceof SshError && (code === undefined || err.code === code);

/** `user@host:port`, with IPv6 literals bracketed; never holds a secret. */
export function endpointLabel(user: string, host: string, port: number): string {
  return `${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
}
