import { randomBytes, randomUUID } from 'node:crypto';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Identifiers shaped like AWS's (`e-abc123def4`, `sg-0123…`, `AKIA…`). */
export const ids = {
  upper: (length: number) => pick(UPPER, length),
  lower: (length: number) => pick(LOWER, length),
  hex: (length: number) => randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length),
  digits: (length: number) => pick('0123456789', length),
  uuid: () => randomUUID(),
  requestId: () => randomUUID(),
};
