import { createAwsClients, type AwsClientOptions, type AwsClients } from '../../../electron/engine/aws/clients.js';
import type { AwsService } from '../../../electron/engine/aws/services.js';
import { startAwsDouble, type AwsDouble, type DoubleCredentials } from './index.js';

export interface DoubleSession {
  double: AwsDouble;
  user: DoubleCredentials;
  clients: AwsClients;
  /** Calls the product's clients made (as their guard saw them). */
  calls: { service: AwsService; operation: string }[];
  /** More product clients against the same double (another user, region, options). */
  connect(extra: Partial<AwsClientOptions> & { as?: DoubleCredentials }): AwsClients;
  close(): Promise<void>;
}

/** The double plus the product's own AWS clients pointed at it, as an IAM user with keys. */
export async function startDoubleSession(opts: { speed?: number; region?: string; migrationId?: string; maxAttempts?: number } = {}): Promise<DoubleSession> {
  const double = await startAwsDouble({ speed: opts.speed ?? 1 });
  const user = double.createUser();
  const calls: DoubleSession['calls'] = [];
  const opened: AwsClients[] = [];
  const connect = ({ as = user, ...extra }: Partial<AwsClientOptions> & { as?: DoubleCredentials }) => {
    const clients = createAwsClients({
      region: opts.region ?? 'us-east-1',
      endpointUrl: double.endpoint,
      credentials: { kind: 'keys', accessKeyId: as.accessKeyId, secretAccessKey: as.secretAccessKey, ...(as.sessionToken ? { sessionToken: as.sessionToken } : {}) },
      ...(opts.migrationId ? { migrationId: opts.migrationId } : {}),
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
      onCall: (c) => calls.push(c),
      ...extra,
    });
    opened.push(clients);
    return clients;
  };
  const clients = connect({});
  return {
    double,
    user,
    clients,
    calls,
    connect,
    async close() {
      for (const c of opened) c.destroy();
      await double.close();
    },
  };
}
