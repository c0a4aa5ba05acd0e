import { AwsLayerError } from './errors.js';
import { validateEndpoint } from './endpoint.js';
import { credentialProvider, type CredentialOptions, type CredentialSource } from './credentials.js';
import { findOperation } from './operations.js';
import { AWS_CLIENTS, AWS_SERVICE_NAMES, type AwsService } from './services.js';

export const MIGRATION_TAG = 'skylift:migration';

export interface AwsClientOptions {
  region: string;
  /** A named profile in ~/.aws/config (SSO and assume-role included); shorthand for credentials. */
  profile?: string;
  credentials?: CredentialSource;
  /** One endpoint for every service (a local AWS, a VPC endpoint proxy). */
  endpointUrl?: string;
  /** Per-service endpoints; these win over `endpointUrl`. */
  endpoints?: Partial<Record<AwsService, string>>;
  /** Attempts per call, retries included (adaptive retry mode). */
  maxAttempts?: number;
  /** Every resource created through these clients is tagged `skylift:migration=<id>`. */
  migrationId?: string;
  /** Told about every call before it is sent (journal, progress, tests). */
  onCall?: (call: { service: AwsService; operation: string }) => void;
  profileFiles?: CredentialOptions['profileFiles'];
  mfaCodeProvider?: CredentialOptions['mfaCodeProvider'];
}

export type AwsClients = { readonly [S in AwsService]: InstanceType<(typeof AWS_CLIENTS)[S]> } & {
  readonly region: string;
  /** Closes the clients' sockets. */
  destroy(): void;
};

export const DEFAULT_MAX_ATTEMPTS = 6;

interface Stack {
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string; priority: 'high' }): void };
}

/** Refuses calls missing from the operations registry and tags what a call creates. */
function guard(client: Stack, service: AwsService, opts: AwsClientOptions): void {
  type Args = { input: Record<string, unknown> };
  const middleware = (next: (args: Args) => Promise<unknown>, context: { commandName?: string }) => async (args: Args) => {
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    const entry = findOperation(service, operation);
    if (!entry) {
      throw new AwsLayerError('UNREGISTERED_OPERATION', `${service}:${operation} is not in the AWS operations registry`, 'add it to electron/engine/aws/operations.ts and give it a case in the table-driven AWS test');
    }
    let input = args.input;
    if (entry.tag) {
      if (!opts.migrationId) {
        throw new AwsLayerError('NO_MIGRATION_ID', `${service}:${operation} creates a resource but the AWS clients have no migration id to tag it with`, 'create the clients with { migrationId } for any step that creates resources');
      }
      input = entry.tag(input, { Key: MIGRATION_TAG, Value: opts.migrationId });
    }
    opts.onCall?.({ service, operation });
    return next({ ...args, input });
  };
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'skyliftOperationGuard', priority: 'high' });
}

/** SDK v3 clients for every service Skylift uses, sharing one credential provider, adaptive
 * retries and (optionally) endpoint overrides. Nothing here logs: no logger is passed to the SDK. */
export function createAwsClients(opts: AwsClientOptions): AwsClients {
  const endpointOf = (service: AwsService) => {
    const raw = opts.endpoints?.[service] ?? opts.endpointUrl;
    return raw === undefined ? undefined : validateEndpoint(raw).toString();
  };
  const source: CredentialSource = opts.credentials ?? (opts.profile ? { kind: 'profile', profile: opts.profile } : { kind: 'default' });
  const stsEndpoint = endpointOf('sts');
  const credentials = credentialProvider(source, {
    region: opts.region,
    ...(stsEndpoint ? { stsEndpoint } : {}),
    ...(opts.profileFiles ? { profileFiles: opts.profileFiles } : {}),
    ...(opts.mfaCodeProvider ? { mfaCodeProvider: opts.mfaCodeProvider } : {}),
  });
  const clients: Record<string, unknown> = {};
  for (const service of AWS_SERVICE_NAMES) {
    const endpoint = endpointOf(service);
    const config = {
      region: opts.region,
      credentials,
      retryMode: 'adaptive',
      maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      ...(endpoint ? { endpoint } : {}),
      // A local or proxied S3 endpoint cannot serve virtual-hosted bucket names.
      ...(service === 's3' && endpoint ? { forcePathStyle: true } : {}),
    };
    const client = new (AWS_CLIENTS[service] as unknown as new (config: object) => Stack)(config);
    guard(client, service, opts);
    clients[service] = client;
  }
  return Object.assign(clients as { [S in AwsService]: InstanceType<(typeof AWS_CLIENTS)[S]> }, {
    region: opts.region,
    destroy: () => {
      for (const service of AWS_SERVICE_NAMES) (clients[service] as { destroy(): void }).destroy();
    },
  });
}
