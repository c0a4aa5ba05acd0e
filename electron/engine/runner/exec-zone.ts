import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { Action } from '../../../shared/schema/plan.js';
import { zoneRecordSets, type ZoneRecordSet } from '../data/zone-file.js';
import { callAws } from './aws-call.js';
import { journaled } from './effect.js';
import { awsFailure } from './exec-aws.js';
import type { ActionContext } from './exec-step.js';
import { RunnerError } from './errors.js';
import type { Run } from './run.js';

type DataCopy = Extract<Action, { kind: 'data-copy' }>;
type Obj = Record<string, Json>;

/** Route 53 takes at most 1,000 records per change batch; 500 sets keeps a batch well under it. */
const BATCH = 500;

async function change(run: Run, zoneId: string, changes: { Action: string; ResourceRecordSet: ZoneRecordSet | Record<string, unknown> }[]): Promise<void> {
  for (let i = 0; i < changes.length; i += BATCH) {
    await callAws(run.clients, 'route53', 'ChangeResourceRecordSets', { HostedZoneId: zoneId, ChangeBatch: { Comment: `skylift ${run.id}`, Changes: changes.slice(i, i + BATCH) } });
  }
}

/** The records of the old provider's zone, exported by a person as a BIND file into the plan's folder, created in the new hosted zone (UPSERT: a retry changes nothing). */
export async function importZone(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  const { run, step } = ctx;
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const zone = String(source.zone);
  const file = String(source.file);
  const path = isAbsolute(file) ? file : join(run.opts.bundleRoot ?? '.', file);
  const zoneId = String(target.hostedZoneId);
  await journaled(run, step.id, key, { kind: 'data-copy', service: 'route53', operation: 'zone-file', params: { file: path, zone, HostedZoneId: zoneId }, token: `zone:${zoneId}` }, async () => {
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new RunnerError('STEP_FAILED', `${step.id}: the zone file of ${zone} is not at ${path} (${err.code ?? err.message})`, `export the zone from ${String(source.provider)} as a BIND zone file, save it there, and run apply again`);
    });
    const lower = source.lowerTtl as { names?: Json; ttl?: Json } | undefined;
    const sets = zoneRecordSets(text, zone, lower && Array.isArray(lower.names) && typeof lower.ttl === 'number' ? { names: lower.names.map(String), ttl: lower.ttl } : null);
    await change(run, zoneId, sets.map((s) => ({ Action: 'UPSERT', ResourceRecordSet: s }))).catch((err: unknown) => {
      throw awsFailure(run, `importing ${zone} into Route 53`, err);
    });
    const missing = await missingSets(run, zoneId, sets);
    if (missing.length > 0) throw new RunnerError('STEP_FAILED', `${step.id}: Route 53 does not hold ${missing.length} of the imported record sets (${missing.slice(0, 5).join(', ')})`, 'run apply again: the import is repeated (UPSERT)');
    run.emit({ type: 'notice', step: step.id, level: 'info', message: `${zone}: ${sets.length} record sets imported from ${path} and read back` });
    return { outputs: { recordSets: sets.length } };
  }, reuse);
}

async function allSets(run: Run, zoneId: string): Promise<{ Name?: string; Type?: string; TTL?: number; ResourceRecords?: { Value?: string }[] }[]> {
  const out: { Name?: string; Type?: string; TTL?: number; ResourceRecords?: { Value?: string }[] }[] = [];
  let next: { StartRecordName?: string; StartRecordType?: string } = {};
  for (;;) {
    const page = await callAws(run.clients, 'route53', 'ListResourceRecordSets', { HostedZoneId: zoneId, ...next });
    out.push(...((page.ResourceRecordSets ?? []) as typeof out));
    if (!page.IsTruncated) return out;
    next = { StartRecordName: String(page.NextRecordName), StartRecordType: String(page.NextRecordType) };
  }
}

const setKey = (s: { Name?: string; Type?: string; TTL?: number; ResourceRecords?: { Value?: string }[] }) =>
  `${(s.Name ?? '').toLowerCase()} ${s.Type} ${s.TTL} ${(s.ResourceRecords ?? []).map((r) => r.Value).sort().join(',')}`;

/** The imported sets Route 53 does not hold as written (name, type, TTL and values). */
async function missingSets(run: Run, zoneId: string, sets: ZoneRecordSet[]): Promise<string[]> {
  const held = new Set((await allSets(run, zoneId)).map(setKey));
  return sets.filter((s) => !held.has(setKey(s))).map((s) => `${s.Name} ${s.Type}`);
}

/** Every record set but the apex NS and SOA deleted, so the zone itself can go (Route 53 refuses to delete a zone with records). */
export async function emptyZone(run: Run, zoneId: string): Promise<number> {
  const sets = await allSets(run, zoneId);
  // The apex's own NS and SOA stay: they are the zone's, not records in it.
  const apex = sets.find((s) => s.Type === 'SOA')?.Name;
  const doomed = sets.filter((s) => !(s.Name === apex && (s.Type === 'NS' || s.Type === 'SOA')));
  await change(run, zoneId, doomed.map((r) => ({ Action: 'DELETE', ResourceRecordSet: r as Record<string, unknown> })));
  return doomed.length;
}
