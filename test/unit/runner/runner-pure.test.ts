/** The runner's pure parts: output expressions, value resolution, DAG scheduling and the journal fold. */
import { describe, expect, it } from 'vitest';
import { checkExpression, evaluate } from '../../../shared/runner/jmespath.js';
import { journalState } from '../../../shared/runner/journal-state.js';
import { expandEach, refsOf, replaceHost, resolveValue, type ValueSources } from '../../../shared/runner/resolve.js';
import { fromBlockers, inScope, longestPath, readySteps, undoReady } from '../../../shared/runner/schedule.js';
import type { JournalRecord } from '../../../shared/schema/journal.js';
import type { Plan, PlanStep } from '../../../shared/schema/plan.js';

describe('output expressions', () => {
  const response = { Subnets: [{ SubnetId: 'a' }, { SubnetId: 'b' }], Environments: [{ CNAME: 'x.elasticbeanstalk.com' }], $metadata: { httpStatusCode: 404 }, Certificate: { DomainValidationOptions: [{ ResourceRecord: { Name: 'n1' } }, {}] }, When: new Date(0) };
  it('reads fields, indexes, projections, join() and the quoted $metadata', () => {
    expect(evaluate('Subnets[].SubnetId', response)).toEqual(['a', 'b']);
    expect(evaluate("join(',', Subnets[].SubnetId)", response)).toBe('a,b');
    expect(evaluate('Environments[0].CNAME', response)).toBe('x.elasticbeanstalk.com');
    expect(evaluate('Environments[-1].CNAME', response)).toBe('x.elasticbeanstalk.com');
    expect(evaluate('"$metadata".httpStatusCode', response)).toBe(404);
    expect(evaluate('Certificate.DomainValidationOptions[].ResourceRecord', response)).toEqual([{ Name: 'n1' }]);
    expect(evaluate('Missing.Path[3]', response)).toBeNull();
    expect(evaluate('When', response)).toBe('1970-01-01T00:00:00.000Z');
  });
  it('evaluates the whole language (filters, functions) and refuses what is not JMESPath', () => {
    expect(evaluate("Subnets[?SubnetId=='b'].SubnetId | [0]", response)).toBe('b');
    expect(evaluate('length(Subnets)', response)).toBe(2);
    for (const e of ['Subnets[?', '$metadata.httpStatusCode', 'a ||', '']) expect(() => checkExpression(e)).toThrow(/not a JMESPath expression/);
  });
});

describe('value resolution', () => {
  const sources: ValueSources = {
    output: (step, name) => ({ 'net.Subnets': ['s1', 's2'], 'db.Endpoint': 'db.rds.example' } as Record<string, never>)[`${step}.${name}`] ?? (() => { throw new Error(`no ${step}.${name}`); })(),
    sourceEnv: async (spec) => (spec.name === 'DATABASE_URL' ? 'postgres://app:s3cret@localhost:5432/shop' : 'plain'),
    parameter: async () => 'from-ssm',
  };
  it('resolves $ref, $join, $sourceEnv with replaceHost and $parameter, masking what came from the box or SSM', async () => {
    const r = await resolveValue({ a: { $ref: 'db.Endpoint' }, b: { $join: ['x-', { $ref: 'db.Endpoint' }] }, c: { $sourceEnv: { host: 'root@box', dir: '/srv/app', name: 'DATABASE_URL', replaceHost: { $ref: 'db.Endpoint' } } }, d: { $parameter: '/p' } }, sources);
    expect(r.value).toEqual({ a: 'db.rds.example', b: 'x-db.rds.example', c: 'postgres://app:s3cret@db.rds.example:5432/shop', d: 'from-ssm' });
    expect(JSON.stringify(r.display)).not.toContain('s3cret');
    expect(JSON.stringify(r.display)).not.toContain('from-ssm');
    expect(r.secret).toBe(true);
  });
  it('expands $each into one parameter set per element', async () => {
    const r = await resolveValue({ SubnetId: { $each: { $ref: 'net.Subnets' } }, Fs: 'fs-1' }, sources);
    expect(expandEach(r).map((x) => x.value)).toEqual([{ SubnetId: 's1', Fs: 'fs-1' }, { SubnetId: 's2', Fs: 'fs-1' }]);
    expect(refsOf({ x: [{ $ref: 'a.b.c' }] })).toEqual([['a', 'b.c']]);
  });
  it('replaces hosts in URLs and host:port forms only', () => {
    expect(replaceHost('redis://:pw@127.0.0.1:6379/0', 'cache.aws')).toBe('redis://:pw@cache.aws:6379/0');
    expect(replaceHost('localhost:5432', 'db.aws')).toBe('db.aws:5432');
    expect(replaceHost('not a host', 'db.aws')).toBe('not a host');
  });
});

const step = (id: string, phase: PlanStep['phase'], dependsOn: string[], minutes = 1): PlanStep => ({
  id, phase, title: id, why: '', dependsOn, preconditions: [], actions: [], verify: [], undo: { kind: 'nothing', reason: '' }, pointOfNoReturn: false, manual: false, durationMinutes: { min: minutes, max: minutes }, inDowntime: false,
});

const plan = (steps: PlanStep[]): Plan => ({
  schemaVersion: 1, kind: 'skylift-plan', migration: { name: 'm', region: 'us-east-1', accountId: null, tablesAsOf: '', sources: [] }, applicable: true, openBlockers: [], tags: [], phases: [], steps, downtime: { steps: [], maxMinutes: 0 },
});

describe('scheduling', () => {
  const p = plan([step('pre', 'prepare', []), step('rds', 'provision', ['pre'], 10), step('cache', 'provision', ['pre'], 8), step('env', 'provision', ['pre'], 5), step('deploy', 'deploy', ['env'], 5), step('switch', 'switch-dns', ['deploy', 'rds', 'cache'])]);
  it('starts every step whose dependencies are done, at once', () => {
    const all = inScope(p, {});
    expect(readySteps(p, { done: new Set(['pre']), running: new Set(), failed: new Set() }, all).map((s) => s.id)).toEqual(['rds', 'cache', 'env']);
    expect(readySteps(p, { done: new Set(['pre', 'env']), running: new Set(['rds']), failed: new Set(['cache']) }, all).map((s) => s.id)).toEqual(['deploy']);
  });
  it('limits a run to a phase or to a step and what follows it; --from needs its ancestors done', () => {
    expect([...inScope(p, { until: 'provision' })].sort()).toEqual(['cache', 'env', 'pre', 'rds']);
    expect([...inScope(p, { from: 'deploy' })].sort()).toEqual(['deploy', 'switch']);
    expect(fromBlockers(p, 'deploy', new Set(['pre']))).toEqual(['env']);
  });
  it('undoes dependents before what they depend on', () => {
    expect(undoReady(p, { toUndo: new Set(['pre', 'rds', 'env', 'deploy', 'switch']), running: new Set(), failed: new Set() }).map((s) => s.id)).toEqual(['switch']);
    expect(undoReady(p, { toUndo: new Set(['pre', 'rds', 'env']), running: new Set(), failed: new Set() }).map((s) => s.id).sort()).toEqual(['env', 'rds']);
  });
  it('finds the longest path', () => {
    expect(longestPath(p, (s) => s.durationMinutes.max)).toEqual({ total: 12, path: ['pre', 'env', 'deploy', 'switch'] });
  });
});

describe('the journal fold', () => {
  const at = '2026-01-01T00:00:00.000Z';
  const rec = (seq: number, r: Record<string, unknown>) => ({ seq, at, ...r }) as JournalRecord;
  it('knows done, interrupted, in-flight calls and outputs; an undo clears a step for a fresh attempt', () => {
    const records = [
      rec(0, { type: 'step', event: 'start', step: 'a', error: null, hint: null }),
      rec(1, { type: 'call', step: 'a', key: 'a#0', kind: 'aws', service: 'rds', operation: 'CreateDBInstance', params: {}, token: 'DBInstanceIdentifier=db' }),
      rec(2, { type: 'result', call: 1, key: 'a#0', ok: true, outputs: { Endpoint: 'db.aws' }, adopted: false, error: null, code: null }),
      rec(3, { type: 'step', event: 'done', step: 'a', error: null, hint: null }),
      rec(4, { type: 'step', event: 'start', step: 'b', error: null, hint: null }),
      rec(5, { type: 'call', step: 'b', key: 'b#0', kind: 'aws', service: 'ec2', operation: 'CreateSecurityGroup', params: {}, token: null }),
    ];
    const s = journalState(records);
    expect([...s.done]).toEqual(['a']);
    expect([...s.interrupted]).toEqual(['b']);
    expect([...s.inFlight.values()].map((c) => c.key)).toEqual(['b#0']);
    expect(s.outputs.get('a')).toEqual({ Endpoint: 'db.aws' });
    const undone = journalState([...records, rec(6, { type: 'step', event: 'undone', step: 'a', error: null, hint: null })]);
    expect(undone.done.has('a')).toBe(false);
    expect(undone.results.has('a#0')).toBe(false);
  });
});
