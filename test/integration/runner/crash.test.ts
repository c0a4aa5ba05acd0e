/**
 * Crash safety of the real CLI: `skylift apply` killed with SIGKILL at many journal positions
 * (between steps, between a call's intent and its outcome, inside waits), then resumed; the
 * result equals an uninterrupted run's and nothing exists twice. The same for rollback. And one
 * writer at a time: a second apply is refused, a crashed one's lock is taken over.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalState } from '../../../shared/runner/journal-state.js';
import { Journal, migrationDir } from '../../../electron/engine/runner/journal.js';
import { cliEnv, killAt, skylift, startCli, startResolvingProxy } from './cli.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { names, smallPlan } from './small-plan.js';
import { duplicates, worldSnapshot } from './world-snapshot.js';

const SPEED = 2000;
const SCALE = String(20 / SPEED);

describe('crash safety and the lock, through the CLI', () => {
  let world: RunnerWorld;
  let proxy: Awaited<ReturnType<typeof startResolvingProxy>>;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let baseline: Record<string, unknown[]>;
  let baselineRecords = 0;

  async function planFile(prefix: string, ttl = 60): Promise<string> {
    world.double.backends.apps.set(names(prefix).env, { host: '127.0.0.1', port: world.app.port });
    const file = join(home, `${prefix}.json`);
    await writeFile(file, JSON.stringify(smallPlan({ zoneId: world.zoneId, prefix, ttl })));
    return file;
  }

  const applyArgs = (file: string) => ['apply', file, '--yes', '--json', '--endpoint-url', world.double.endpoint, '--time-scale', SCALE];

  beforeAll(async () => {
    world = await startRunnerWorld({ speed: SPEED, domain: 'base.example.test', appEnvironments: [] });
    proxy = await startResolvingProxy(world.double);
    home = await newHome();
    env = cliEnv(home, world.user, proxy.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await world?.close();
  });

  const seedRecord = (prefix: string) => world.seedRecord(names(prefix).domain);

  it('an uninterrupted run: the baseline', async () => {
    await seedRecord('base');
    const run = await skylift(applyArgs(await planFile('base')), env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(JSON.stringify({ type: 'id', id: 'base' }));
    baseline = worldSnapshot(world.double, 'base');
    baselineRecords = Journal.read(migrationDir('base', home)).length;
    expect(baseline.environments).toHaveLength(1);
    expect(baseline.records).toEqual([{ name: 'P.example.test.', type: 'CNAME', ttl: 60, values: ['P-web.us-east-1.elasticbeanstalk.com'], alias: null }]);
  });

  it('killed at 30 points and resumed: the same end state, nothing twice', async () => {
    const points = Array.from({ length: 30 }, (_, i) => 2 + Math.floor((i * (baselineRecords - 4)) / 30));
    const check = async (k: number) => {
      const prefix = `k${k}`;
      await seedRecord(prefix);
      const file = await planFile(prefix);
      const { killed } = await killAt(applyArgs(file), env, join(migrationDir(prefix, home), 'journal.jsonl'), k);
      const resumed = await skylift(applyArgs(file), env);
      expect(resumed.code, `${prefix}: ${resumed.stderr}`).toBe(0);
      const snap = worldSnapshot(world.double, prefix);
      expect(duplicates(snap), prefix).toEqual([]);
      expect(snap, prefix).toEqual(baseline);
      return killed;
    };
    const killed: boolean[] = [];
    for (let i = 0; i < points.length; i += 3) killed.push(...(await Promise.all(points.slice(i, i + 3).map(check))));
    expect(killed.filter(Boolean).length).toBeGreaterThanOrEqual(25);
  }, 300_000);

  it('rollback killed at 10 points and resumed: everything gone but the final snapshot', async () => {
    const total = 40;
    for (let k = 6; k < total; k += 4) {
      const prefix = `r${k}`;
      await seedRecord(prefix);
      const file = await planFile(prefix);
      expect((await skylift(applyArgs(file), env)).code).toBe(0);
      const journal = join(migrationDir(prefix, home), 'journal.jsonl');
      const before = Journal.read(migrationDir(prefix, home)).length;
      await killAt(['rollback', prefix, '--yes', '--json', '--endpoint-url', world.double.endpoint, '--time-scale', SCALE], env, journal, before + k);
      const resumed = await skylift(['rollback', prefix, '--yes', '--json', '--endpoint-url', world.double.endpoint, '--time-scale', SCALE], env);
      expect(resumed.code, `${prefix}: ${resumed.stderr}`).toBe(0);
      const snap = worldSnapshot(world.double, prefix);
      expect(snap.records).toEqual([{ name: 'P.example.test.', type: 'A', ttl: 3600, values: ['203.0.113.5'], alias: null }]);
      expect(snap.snapshots).toEqual(['P-db-final']);
      expect({ ...snap, records: [], snapshots: [] }).toEqual(Object.fromEntries(Object.keys(snap).map((key) => [key, []])));
    }
  }, 300_000);

  it('a second apply is refused while one runs; after a kill -9 a new apply takes the stale lock and resumes', async () => {
    const prefix = 'lock';
    await seedRecord(prefix);
    // A long TTL wait keeps the first run (and its lock) busy while the second one starts.
    const file = await planFile(prefix, 1500);
    const first = startCli(applyArgs(file), env);
    while (!journalState(Journal.read(migrationDir(prefix, home))).notedAt.has('prepare-wait-ttl#0')) await new Promise((r) => setTimeout(r, 20));
    const second = await skylift(applyArgs(file), env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('MIGRATION_LOCKED');
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    first.child.kill('SIGKILL');
    await first.done;
    const third = await skylift(applyArgs(file), env);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('"tookOverLockFrom":' + first.child.pid);
    expect(journalState(Journal.read(migrationDir(prefix, home))).done.size).toBe(smallPlan({ zoneId: world.zoneId, prefix }).steps.length);
  }, 120_000);
});
