/** What the files-copy tests compare, computed by the tests themselves: the disk's bytes and the double's stored objects, hashed. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AwsDouble } from '../../support/aws-double/index.js';
import { s3State } from '../../support/aws-double/services/s3.js';

export const sha = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Every regular file under `dir` by relative path, with its sha256 (symlinks and FIFOs left out, as S3 has neither). */
export async function diskFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out[relative(dir, p)] = sha(await readFile(p));
    }
  };
  await walk(dir);
  return out;
}

/** The objects under `prefix` in the double's own state, with the sha256 of their bytes. */
export function s3Files(double: AwsDouble, bucket: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, o] of s3State(double.world).buckets.get(bucket)?.objects ?? []) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = sha(o.body);
  return out;
}

/** Uploads the double answered since call number `from`: one call starts each file's upload. */
export const uploadsSince = (double: AwsDouble, from: number): number =>
  double.calls.slice(from).filter((c) => c.service === 's3' && (c.operation === 'PutObject' || c.operation === 'CreateMultipartUpload') && c.status < 300).length;
