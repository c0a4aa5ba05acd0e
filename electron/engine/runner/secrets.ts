import type { Json } from '../../../shared/runner/jmespath.js';
import type { AwsClients } from '../aws/clients.js';
import { callAws } from './aws-call.js';

/** A SecureString's value, for `$parameter`; never stored. */
export async function readParameter(clients: AwsClients, name: string): Promise<string> {
  const got = await callAws(clients, 'ssm', 'GetParameter', { Name: name, WithDecryption: true });
  return String((got.Parameter as { Value?: string } | undefined)?.Value ?? '');
}

/** `{ username, password }` from an RDS-managed Secrets Manager secret. */
export async function readDbSecret(clients: AwsClients, arn: string): Promise<{ username: string; password: string }> {
  const got = await callAws(clients, 'secretsmanager', 'GetSecretValue', { SecretId: arn });
  const parsed = JSON.parse(String(got.SecretString ?? '{}')) as { username?: string; password?: string };
  return { username: parsed.username ?? '', password: parsed.password ?? '' };
}

const SECRET_KEYS = /^(MasterUserPassword|AuthToken|SecretString|SecretBinary|Password|ApiKeyValue|NewPassword)$/;

/** Parameters as the journal keeps them: secret-named fields masked (values from the box are already placeholders). */
export function maskParams(value: Json, parentKey = ''): Json {
  if (Array.isArray(value)) return value.map((v) => maskParams(v, parentKey));
  if (value === null || typeof value !== 'object') return SECRET_KEYS.test(parentKey) ? '***' : value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '***' : maskParams(v, k)]));
}
