import type { STSClientConfig } from '@aws-sdk/client-sts';
import { fromEnv, fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { AwsLayerError } from './errors.js';

/** Where credentials come from. Keys typed by the user are held by the desktop app (encrypted
 * with Electron safeStorage) and passed in; the CLI only reads profiles and the environment. */
export type CredentialSource =
  | { kind: 'profile'; profile: string }
  | { kind: 'environment' }
  | { kind: 'keys'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** The SDK's default chain: environment, ~/.aws profiles (SSO, assume-role), container, instance. */
  | { kind: 'default' };

export type CredentialProvider = Extract<NonNullable<STSClientConfig['credentials']>, (...args: never[]) => unknown>;
type Identity = Awaited<ReturnType<CredentialProvider>>;

export interface CredentialOptions {
  region: string;
  /** Where the provider's own STS calls go (assume-role profiles), when endpoints are overridden. */
  stsEndpoint?: string;
  /** Other ~/.aws files (tests, portable installs). */
  profileFiles?: { config?: string; credentials?: string };
  /** Asked for an MFA code when a profile's role needs one. */
  mfaCodeProvider?: (serialNumber: string) => Promise<string>;
}

/** A safe description of the source for logs and reports: never a secret, at most a key id's last 4. */
export function describeCredentialSource(source: CredentialSource): string {
  switch (source.kind) {
    case 'profile':
      return `AWS profile "${source.profile}"`;
    case 'environment':
      return 'AWS_* environment variables';
    case 'keys':
      return `access key …${source.accessKeyId.slice(-4)} saved in Skylift`;
    case 'default':
      return 'the AWS SDK default chain';
  }
}

function baseProvider(source: CredentialSource, opts: CredentialOptions): CredentialProvider {
  const clientConfig = { region: opts.region, ...(opts.stsEndpoint ? { endpoint: opts.stsEndpoint } : {}) };
  switch (source.kind) {
    case 'profile':
      return fromIni({
        profile: source.profile,
        clientConfig,
        ...(opts.profileFiles?.config ? { configFilepath: opts.profileFiles.config } : {}),
        ...(opts.profileFiles?.credentials ? { filepath: opts.profileFiles.credentials } : {}),
        ...(opts.mfaCodeProvider ? { mfaCodeProvider: opts.mfaCodeProvider } : {}),
      });
    case 'environment':
      return fromEnv();
    case 'keys': {
      const identity = { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}) };
      return async () => identity;
    }
    case 'default':
      return fromNodeProviderChain({ clientConfig });
  }
}

const REFRESH_MARGIN_MS = 5 * 60_000;

/** One provider shared by every client, resolved once and refreshed before it expires; a failure
 * says which source failed and what to do, without any secret. */
export function credentialProvider(source: CredentialSource, opts: CredentialOptions): CredentialProvider {
  const provider = baseProvider(source, opts);
  let current: Identity | undefined;
  let pending: Promise<Identity> | undefined;
  return async () => {
    if (current && (!current.expiration || current.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS)) return current;
    pending ??= provider()
      .then((identity) => (current = identity))
      .catch((err: unknown) => {
        throw new AwsLayerError(
          'CREDENTIALS',
          `could not load AWS credentials from ${describeCredentialSource(source)}: ${(err as Error).message}`,
          source.kind === 'profile'
            ? `check the profile in ~/.aws/config (for SSO profiles run: aws sso login --profile ${source.profile})`
            : 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or enter keys in Settings',
          { cause: err },
        );
      })
      .finally(() => (pending = undefined));
    return pending;
  };
}
