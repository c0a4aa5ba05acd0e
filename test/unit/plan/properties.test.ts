import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapInventories } from '../../../shared/mapping/index.js';
import { validateOptionSettings } from '../../../shared/mapping/tables/eb-options.js';
import { ancestors, refsIn, topologicalOrder } from '../../../shared/plan/dag.js';
import { buildPlan, exportPlan } from '../../../shared/plan/index.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Answers } from '../../../shared/schema/answers.js';
import { TargetDesign } from '../../../shared/schema/design.js';
import type { Inventory } from '../../../shared/schema/inventory.js';
import { Plan } from '../../../shared/schema/plan.js';

/** Parts of an inventory a probe may fail to read, or a box may simply not have. */
const DROPS = ['host', 'apps', 'databases', 'caches', 'cron', 'web', 'tls', 'env', 'writable', 'node', 'unreadable', 'timeout'] as const;
type Drop = (typeof DROPS)[number];

function mutate(base: Inventory, index: number, drops: Drop[], nodeVersion: string | null, seed: string): Inventory {
  const inv = structuredClone(base);
  inv.target.label = `${inv.target.label.split('@')[0]}@10.9.0.${index + 1}`;
  const has = (d: Drop) => drops.includes(d);
  if (has('host')) Object.assign(inv.host, { cpus: null, memoryBytes: null, loadAverage: null });
  if (has('apps')) inv.apps = [];
  if (has('databases')) inv.databases = { postgres: [], mysql: [] };
  if (has('caches')) inv.caches = { redis: [], memcached: [] };
  if (has('cron')) Object.assign(inv, { cron: [] }, { services: { ...inv.services, timers: [] } });
  if (has('web')) inv.webServers = { nginx: null, apache: null };
  if (has('tls')) inv.tls.certificates = [];
  if (has('env')) for (const a of inv.apps) a.envNames = [];
  if (has('writable')) for (const a of inv.apps) a.writableDirs = [];
  if (has('node')) inv.runtimes.node = [];
  if (has('unreadable')) {
    for (const p of inv.databases.postgres) Object.assign(p, { unreadable: 'permission denied', databases: [] });
    for (const m of inv.databases.mysql) Object.assign(m, { unreadable: 'access denied', schemas: [] });
  }
  if (has('timeout')) {
    const s = inv.probe.sections.find((x) => x.name === 'apps');
    if (s) s.status = 'timeout';
    inv.notRead.push({ what: 'apps', reason: 'timed out after 20 s' });
  }
  if (nodeVersion && inv.runtimes.node[0]) inv.runtimes.node[0].version = nodeVersion;
  // Secrets a careless probe (or a hand-edited inventory) could carry, in every free-text field that reaches an export.
  inv.processes.push({ pid: 9999, ppid: 1, user: 'root', command: `node /opt/x.js --api-key=${seed}`, cwd: inv.apps[0]?.dir ?? '/' });
  inv.cron.push({ source: 'crontab', file: '/etc/crontab', user: 'root', schedule: '5 * * * *', command: `curl -H "Authorization: Bearer ${seed}" http://localhost:3000/hook` });
  const app = inv.apps[0];
  if (app) {
    app.git = { remote: index % 2 === 0 ? `https://deploy:${seed}@github.com/acme/app.git` : `https://${seed}@github.com/acme/app.git`, commit: null, branch: null };
    app.procfile = `web: node server.js --secret=${seed}`;
  }
  for (const u of inv.services.units) if (u.execStart && app && u.execStart.includes(app.dir)) u.execStart += ` --db-password ${seed}`;
  return inv;
}

const inventoryArb = fc
  .record({
    picks: fc.array(fc.constantFrom(...Object.keys(SAMPLES)), { minLength: 1, maxLength: 2 }),
    drops: fc.array(fc.subarray([...DROPS]), { minLength: 2, maxLength: 2 }),
    nodeVersion: fc.option(fc.constantFrom('v12.22.12', 'v16.20.2', 'v18.20.4', 'v20.18.0', 'v22.11.0', 'v24.1.0'), { nil: null }),
    seed: fc.stringMatching(/^[A-Za-z0-9]{16}$/).map((s) => `SKYSEED${s}`),
  })
  // Inventories are built inside each property so a counterexample prints as this small recipe.
  .map((recipe) => ({ ...recipe, get inventories() { return recipe.picks.map((name, i) => mutate(SAMPLES[name] as Inventory, i, recipe.drops[i] ?? [], recipe.nodeVersion, recipe.seed)); } }));

const answersArb: fc.Arbitrary<Answers> = fc.record(
  {
    'aws.region': fc.constantFrom('us-east-1', 'eu-west-1', 'ap-south-2'),
    'ha.level': fc.constantFrom('single-az', 'multi-az'),
    'network.vpc': fc.constantFrom('default', 'new', 'existing'),
    'network.vpcId': fc.constantFrom('vpc-0abc1234', null),
    'dns.provider': fc.constantFrom('route53', 'digitalocean', 'unknown'),
    'dns.mode': fc.constantFrom('import-zone', 'manual-record'),
    'aws.accountId': fc.constantFrom('123456789012', null),
  },
  { requiredKeys: [] },
);

/** Optionally answers every open blocker with its first resolution, so resolved paths are exercised too. */
function plan(inventories: Inventory[], answers: Answers, resolve: boolean) {
  let design = mapInventories(inventories, answers);
  if (resolve) {
    const more = Object.fromEntries(design.blockers.filter((b) => b.answerKey && b.resolution === null && b.resolutions[0]).map((b) => [b.answerKey as string, b.resolutions[0]?.value ?? null]));
    design = mapInventories(inventories, { ...answers, ...more });
  }
  const p = buildPlan(design);
  return { design, plan: p, files: exportPlan(p, design).files };
}

const cases = fc.record({ input: inventoryArb, answers: answersArb, resolve: fc.boolean() });
const RUNS = { numRuns: 60 };

/** The inventory items every design must account for, enumerated independently of the mapping. */
function expectedRefs(inv: Inventory): string[] {
  return [
    ...inv.apps.map((a) => `app:${a.name}`),
    ...inv.databases.postgres.flatMap((p) => [`postgres:${p.port ?? 5432}`, ...p.databases.map((d) => `postgres:${p.port ?? 5432}/${d.name}`)]),
    ...inv.databases.mysql.flatMap((m) => [`${m.flavor}:${m.port ?? 3306}`, ...m.schemas.map((s) => `${m.flavor}:${m.port ?? 3306}/${s.name}`)]),
    ...inv.caches.redis.map((r) => `redis:${r.port ?? 6379}`),
    ...inv.caches.memcached.map((m) => `memcached:${m.port ?? 11211}`),
    ...inv.cron.map((_, i) => `cron:${i}`),
    ...inv.services.timers.map((t) => `timer:${t.name}`),
    ...inv.tls.certificates.map((c) => `cert:${c.path}`),
    ...inv.apps.flatMap((a) => a.writableDirs.map((w) => `dir:${w.path}`)),
    ...inv.listeners.map((l) => `listener:${l.proto}/${l.address}:${l.port}`),
    ...inv.runtimes.pm2.apps.map((p) => `pm2:${p.name}`),
    ...inv.services.units.filter((u) => u.activeState === 'active').map((u) => `unit:${u.name}`),
    ...(inv.webServers.nginx?.servers ?? []).map((_, i) => `nginx-server:${i}`),
    ...(inv.webServers.apache?.vhosts ?? []).map((_, i) => `apache-vhost:${i}`),
    ...inv.runtimes.node.map((_, i) => `node:${i}`),
    'firewall',
  ];
}

describe('plans over generated inventories', () => {
  it('never crash and always validate against the schemas', () => {
    fc.assert(
      fc.property(cases, ({ input, answers, resolve }) => {
        const { design, plan: p } = plan(input.inventories, answers, resolve);
        TargetDesign.parse(design);
        Plan.parse(p);
      }),
      RUNS,
    );
  });

  it('form an acyclic DAG whose references point at ancestors, each step undoable or marked irreversible', () => {
    fc.assert(
      fc.property(cases, ({ input, answers, resolve }) => {
        const { plan: p } = plan(input.inventories, answers, resolve);
        expect(topologicalOrder(p.steps)).toHaveLength(p.steps.length);
        for (const s of p.steps) {
          const mine = ancestors(p, s.id);
          for (const ref of [...refsIn(s.actions), ...refsIn(s.verify)]) expect(ref.split('.')[0] === s.id || mine.has(ref.split('.')[0] as string), `${s.id}: ${ref}`).toBe(true);
          if (s.undo.kind === 'actions') expect(s.undo.actions.length).toBeGreaterThan(0);
          else expect(s.undo.reason.length).toBeGreaterThan(0);
        }
        expect(p.applicable).toBe(p.openBlockers.length === 0);
      }),
      RUNS,
    );
  });

  it('map or list every inventory item, and carry every environment name', () => {
    fc.assert(
      fc.property(cases, ({ input, answers, resolve }) => {
        const inventories = input.inventories;
        const { design } = plan(inventories, answers, resolve);
        for (const inv of inventories) {
          const covered = new Set(design.coverage.filter((c) => c.source === inv.target.label).map((c) => c.ref));
          for (const ref of expectedRefs(inv)) expect(covered, `${inv.target.label} ${ref}`).toContain(ref);
          for (const app of inv.apps) {
            const env = design.resources.environments.find((e) => e.sources.some((s) => s.label === inv.target.label && s.dir === app.dir));
            for (const n of app.envNames) expect(env?.envVars.map((v) => v.name), n.name).toContain(n.name);
          }
        }
      }),
      RUNS,
    );
  });

  it('export byte-stable files that never contain a secret', () => {
    fc.assert(
      fc.property(cases, ({ input, answers, resolve }) => {
        const first = plan(input.inventories, answers, resolve);
        const again = plan(input.inventories, { ...answers }, resolve);
        expect(again.files).toEqual(first.files);
        for (const [path, content] of Object.entries(first.files)) expect(content.includes(input.seed), `${path} leaks the seeded secret`).toBe(false);
        expect(JSON.stringify(first.design).includes(input.seed)).toBe(false);
      }),
      RUNS,
    );
  });

  it('turn missing sections into open questions, and emit only option settings the platform accepts', () => {
    fc.assert(
      fc.property(cases, ({ input, answers, resolve }) => {
        const inventories = input.inventories;
        const { design } = plan(inventories, answers, resolve);
        inventories.forEach((inv, i) => {
          const drops = input.drops[i] ?? [];
          if (drops.includes('timeout')) expect(design.openQuestions.some((q) => q.text.includes(inv.target.label))).toBe(true);
          if (inv.apps.length === 0) expect(design.openQuestions.some((q) => q.text.includes('no Node.js app'))).toBe(true);
        });
        if (inventories.some((inv, i) => inv.apps.length > 0 && (input.drops[i] ?? []).includes('host'))) {
          expect(design.openQuestions.some((q) => q.key?.endsWith('.instanceType'))).toBe(true);
        }
        expect(design.blockers.filter((b) => b.id.endsWith('invalid-options'))).toEqual([]);
        for (const env of design.resources.environments) expect(validateOptionSettings(env.optionSettings, env.loadBalancer)).toEqual([]);
      }),
      RUNS,
    );
  });
});
