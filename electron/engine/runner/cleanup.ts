import type { Json } from '../../../shared/runner/jmespath.js';
import { MIGRATION_TAG } from '../aws/clients.js';
import { callAws } from './aws-call.js';
import { journaled } from './effect.js';
import { awsFailure } from './exec-aws.js';
import { confirmed } from './exec-step.js';
import { closeRun, openRun, savedPlan } from './migration.js';
import type { Run, RunnerOptions } from './run.js';

export interface Orphan {
  kind: string;
  id: string;
  name: string;
  /** The call that deletes it. */
  delete: { service: string; operation: string; params: Record<string, unknown> };
}

/** Every identifier the journal knows this migration made or used: call tokens and outputs. */
function accounted(run: Run): Set<string> {
  const known = new Set<string>();
  for (const c of run.state.calls) if (c.token) known.add(c.token.replace(/^[A-Za-z]+=/, ''));
  const add = (v: Json) => {
    if (typeof v === 'string') known.add(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  for (const outputs of run.state.outputs.values()) Object.values(outputs).forEach(add);
  return known;
}

/** Resources tagged (or named, for SSM) with the migration id, found by asking AWS. */
async function tagged(run: Run): Promise<Orphan[]> {
  const c = run.clients;
  const found: Orphan[] = [];
  const groups = await callAws(c, 'ec2', 'DescribeSecurityGroups', { Filters: [{ Name: `tag:${MIGRATION_TAG}`, Values: [run.id] }] });
  for (const g of (groups.SecurityGroups ?? []) as { GroupId?: string; GroupName?: string }[]) {
    found.push({ kind: 'security group', id: g.GroupId!, name: g.GroupName ?? g.GroupId!, delete: { service: 'ec2', operation: 'DeleteSecurityGroup', params: { GroupId: g.GroupId } } });
  }
  const dbs = await callAws(c, 'rds', 'DescribeDBInstances', {});
  for (const db of (dbs.DBInstances ?? []) as { DBInstanceIdentifier?: string; DBInstanceStatus?: string; TagList?: { Key?: string; Value?: string }[] }[]) {
    if (!db.TagList?.some((t) => t.Key === MIGRATION_TAG && t.Value === run.id) || db.DBInstanceStatus === 'deleting') continue;
    const id = db.DBInstanceIdentifier!;
    found.push({ kind: 'RDS instance', id, name: id, delete: { service: 'rds', operation: 'DeleteDBInstance', params: { DBInstanceIdentifier: id, FinalDBSnapshotIdentifier: `${id}-cleanup-final`, DeleteAutomatedBackups: false } } });
  }
  let token: string | undefined;
  do {
    const page = await callAws(c, 'ssm', 'GetParametersByPath', { Path: `/skylift/${run.id}`, Recursive: true, MaxResults: 10, ...(token ? { NextToken: token } : {}) });
    for (const p of (page.Parameters ?? []) as { Name?: string }[]) found.push({ kind: 'SSM parameter', id: p.Name!, name: p.Name!, delete: { service: 'ssm', operation: 'DeleteParameter', params: { Name: p.Name } } });
    token = page.NextToken as string | undefined;
  } while (token);
  return found;
}

export interface CleanupResult {
  id: string;
  orphans: Orphan[];
  deleted: string[];
  kept: string[];
}

/** `skylift cleanup`: what carries the migration's tag but is not in its journal (made by a crashed run before it could be journaled, or by hand), offered for deletion. */
export async function cleanup(id: string, opts: RunnerOptions & { dryRun?: boolean }): Promise<CleanupResult> {
  const plan = savedPlan(id, opts.home);
  const open = await openRun(plan, opts, 'cleanup', { yes: opts.yes ?? false });
  const { run } = open;
  const result: CleanupResult = { id, orphans: [], deleted: [], kept: [] };
  let end: 'completed' | 'failed' = 'completed';
  let reason: string | null = null;
  try {
    const known = accounted(run);
    result.orphans = (await tagged(run)).filter((o) => !known.has(o.id) && !known.has(o.name));
    for (const o of result.orphans) {
      run.emit({ type: 'notice', step: null, level: 'warn', message: `not in the journal: ${o.kind} ${o.name}` });
      if (opts.dryRun || !(await confirmed(run, `cleanup#${o.id}`, `Delete ${o.kind} ${o.name}?`))) {
        result.kept.push(o.id);
        continue;
      }
      await journaled(run, 'cleanup', `cleanup#${o.kind}#${o.id}`, { kind: 'aws', service: o.delete.service, operation: o.delete.operation, params: o.delete.params as Json, token: o.id }, async () => {
        await callAws(run.clients, o.delete.service, o.delete.operation, o.delete.params).catch((err: unknown) => {
          throw awsFailure(run, `deleting ${o.kind} ${o.name}`, err);
        });
        return { outputs: {} };
      });
      result.deleted.push(o.id);
    }
  } catch (err) {
    end = 'failed';
    reason = (err as Error).message;
    throw err;
  } finally {
    run.record({ type: 'run-end', mode: 'cleanup', result: end, reason });
    await closeRun(open);
  }
  return result;
}
