/**
 * `npm run bench:cutover`: the small plan applied on the AWS double with lifecycles scaled to
 * realistic relative durations (RDS ≈ 10 min, Elastic Beanstalk ≈ 5, ElastiCache ≈ 8), all sped
 * up by the same factor. Reports the wall time against the DAG's longest path (measured step
 * durations; goal ≤ 1.1×) and against the sum of all steps (what a sequential runbook costs).
 */
import { apply } from '../../electron/engine/runner/apply.js';
import type { RunnerEvent } from '../../electron/engine/runner/events.js';
import { longestPath } from '../../shared/runner/schedule.js';
import { newHome, startRunnerWorld } from '../integration/runner/fixtures.js';
import { names, smallPlan } from '../integration/runner/small-plan.js';

const SPEED = Number(process.env.BENCH_SPEED ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

// The double's own lifecycles: RDS 12 min, EB 4 min (launch), ElastiCache 7 min.
const FACTORS = { rds: 10 / 12, elasticbeanstalk: 5 / 4, elasticache: 8 / 7 };

async function once(world: Awaited<ReturnType<typeof startRunnerWorld>>, run: number) {
  const prefix = `bench${run}`;
  await world.seedRecord(names(prefix).domain);
  world.double.backends.apps.set(names(prefix).env, { host: '127.0.0.1', port: world.app.port });
  const plan = smallPlan({ zoneId: world.zoneId, prefix, ttl: 60 });
  const starts = new Map<string, number>();
  const durations = new Map<string, number>();
  const onEvent = (e: RunnerEvent) => {
    if (e.type !== 'step') return;
    if (e.status === 'start') starts.set(e.step, performance.now());
    if (e.status === 'done') durations.set(e.step, performance.now() - starts.get(e.step)!);
  };
  const t0 = performance.now();
  const r = await apply(plan, { ...world.options(await newHome(), { yes: true, onEvent }), timeScale: 1 / SPEED });
  const wall = performance.now() - t0;
  if (r.result !== 'completed') throw new Error(`run ${run}: ${r.result} ${r.reason}`);
  const critical = longestPath(plan, (s) => durations.get(s.id) ?? 0);
  const sum = [...durations.values()].reduce((a, b) => a + b, 0);
  return { wall, critical: critical.total, path: critical.path, sum };
}

const world = await startRunnerWorld({ speed: SPEED, domain: 'bench.example.test', appEnvironments: [] });
try {
  for (const [service, factor] of Object.entries(FACTORS)) world.double.faults.add({ kind: 'slow-lifecycle', service, factor });
  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await once(world, i));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const wall = median(results.map((r) => r.wall));
  const critical = median(results.map((r) => r.critical));
  const sum = median(results.map((r) => r.sum));
  const virtual = (ms: number) => `${((ms * SPEED) / 60_000).toFixed(1)} min`;
  console.log(`cutover benchmark: small plan, double ${SPEED}× faster, ${RUNS} runs (median)`);
  console.log(`  wall time            ${wall.toFixed(0)} ms  (≈ ${virtual(wall)} at real speed)`);
  console.log(`  longest DAG path     ${critical.toFixed(0)} ms  (${results[0]!.path.join(' → ')})`);
  console.log(`  sum of all steps     ${sum.toFixed(0)} ms  (≈ ${virtual(sum)}: a sequential runbook)`);
  console.log(`  wall / longest path  ${(wall / critical).toFixed(3)}×  (goal ≤ 1.1×)`);
  console.log(`  wall / sum of steps  ${(wall / sum).toFixed(3)}×`);
} finally {
  await world.close();
}
