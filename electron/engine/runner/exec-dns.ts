import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { Action, DnsChange, PlanStep } from '../../../shared/schema/plan.js';
import { waitForChange, waitForValidationRecords } from '../aws/wait.js';
import { callAws } from './aws-call.js';
import { journaled } from './effect.js';
import { awsFailure } from './exec-aws.js';
import type { Budget, Run } from './run.js';

type DnsAction = Extract<Action, { kind: 'dns' }>;

export const fqdn = (name: string): string => (name.endsWith('.') ? name : `${name}.`).toLowerCase();
export const bareZoneId = (id: string): string => id.replace(/^\/?hostedzone\//, '');
const SWITCHABLE = new Set(['A', 'AAAA', 'CNAME']);

/** The A, AAAA and CNAME record sets a name has in a zone now. */
export async function recordSetsOf(run: Run, zone: string, name: string): Promise<ResourceRecordSet[]> {
  const got = await callAws(run.clients, 'route53', 'ListResourceRecordSets', { HostedZoneId: zone, StartRecordName: name, MaxItems: '10' });
  return ((got.ResourceRecordSets ?? []) as ResourceRecordSet[]).filter((r) => fqdn(r.Name ?? '') === fqdn(name) && SWITCHABLE.has(r.Type ?? ''));
}

function text(v: Json): string {
  return typeof v === 'string' ? v : String(v);
}

/** The change batch for one dns action: DELETEs of what the name has now, then UPSERTs of what it should have. */
async function batchFor(run: Run, zone: string, changes: DnsChange[], undo: boolean): Promise<Change[]> {
  const deletes: Change[] = [];
  const upserts: Change[] = [];
  for (const c of changes) {
    const current = await recordSetsOf(run, zone, c.name);
    const before = run.state.dnsBefore.find((d) => d.zone === zone && fqdn(d.name) === fqdn(c.name));
    if (!before) run.record({ type: 'dns-before', zone, name: fqdn(c.name), recordSets: current as unknown as Json[] });
    if (c.action === 'DELETE') {
      for (const set of current.filter((r) => c.type === null || r.Type === c.type)) deletes.push({ Action: 'DELETE', ResourceRecordSet: set });
      continue;
    }
    if (c.alias) {
      const { value } = await run.resolve({ zone: c.alias.hostedZoneId, dns: c.alias.dnsName } as Json);
      const v = value as { zone: Json; dns: Json };
      upserts.push({ Action: 'UPSERT', ResourceRecordSet: { Name: fqdn(c.name), Type: c.type ?? 'A', AliasTarget: { HostedZoneId: text(v.zone), DNSName: text(v.dns), EvaluateTargetHealth: false } } });
      continue;
    }
    if (c.values !== null) {
      const { value } = await run.resolve(c.values as Json);
      upserts.push({ Action: 'UPSERT', ResourceRecordSet: { Name: fqdn(c.name), Type: c.type ?? 'CNAME', TTL: c.ttl ?? 300, ResourceRecords: (value as Json[]).map((x) => ({ Value: text(x) })) } });
      continue;
    }
    // `values: null`: the name's own records — as they are now the first time, as journaled when undoing.
    const base = undo ? ((before?.recordSets ?? current) as ResourceRecordSet[]) : current;
    for (const set of base.filter((r) => (c.type === null || r.Type === c.type) && !r.AliasTarget)) {
      upserts.push({ Action: 'UPSERT', ResourceRecordSet: { Name: set.Name, Type: set.Type, TTL: c.ttl ?? set.TTL, ResourceRecords: set.ResourceRecords } });
    }
  }
  // An UPSERT of the same name and type replaces the set: deleting it first would be redundant.
  const replaced = new Set(upserts.map((u) => `${fqdn(u.ResourceRecordSet!.Name!)}|${u.ResourceRecordSet!.Type}`));
  const kept = deletes.filter((d) => !replaced.has(`${fqdn(d.ResourceRecordSet!.Name!)}|${d.ResourceRecordSet!.Type}`));
  return [...kept, ...upserts];
}

/** The validation CNAMEs ACM lists for a certificate. */
async function validationChanges(run: Run, arn: string, budget: Budget): Promise<Change[]> {
  const cert = await waitForValidationRecords(run.clients, arn, { intervalMs: run.pollMs(2_000), timeoutMs: budget.remaining() });
  const records = new Map<string, { Name?: string; Value?: string }>();
  for (const o of cert.DomainValidationOptions ?? []) if (o.ResourceRecord?.Name) records.set(o.ResourceRecord.Name, o.ResourceRecord);
  return [...records.values()].map((r) => ({ Action: 'UPSERT', ResourceRecordSet: { Name: r.Name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: r.Value }] } }));
}

/** A `dns` action: one atomic Route 53 batch, journaled, then waited on until in sync. */
export async function dnsAction(run: Run, step: PlanStep, key: string, action: DnsAction, budget: Budget, undo: boolean): Promise<Record<string, Json>> {
  const zone = bareZoneId(text((await run.resolve(action.hostedZoneId as Json)).value));
  const changes = await batchFor(run, zone, action.changes, undo);
  if (action.certificateValidation !== null) changes.push(...(await validationChanges(run, text((await run.resolve(action.certificateValidation as Json)).value), budget)));
  if (changes.length === 0) return {};
  return journaled(run, step.id, key, { kind: 'dns', service: 'route53', operation: 'ChangeResourceRecordSets', params: { HostedZoneId: zone, Changes: changes as unknown as Json }, token: null }, async () => {
    try {
      const got = await callAws(run.clients, 'route53', 'ChangeResourceRecordSets', { HostedZoneId: zone, ChangeBatch: { Comment: `skylift ${run.id} ${step.id}`, Changes: changes } });
      const id = (got.ChangeInfo as { Id?: string } | undefined)?.Id;
      if (id) await waitForChange(run.clients, id, { intervalMs: run.pollMs(10_000), timeoutMs: budget.remaining() });
      return { outputs: {} };
    } catch (err) {
      throw awsFailure(run, `${step.id}: Route 53 change in ${zone}`, err);
    }
  });
}
