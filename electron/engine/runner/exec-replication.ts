import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { DataEvent, DataSource, PostgresSource } from '../../../shared/schema/data.js';
import type { Action } from '../../../shared/schema/plan.js';
import { finishMysqlReplication, startMysqlReplication } from '../data/replicate-mysql.js';
import { finishPostgresReplication, startPostgresReplication } from '../data/replicate-postgres.js';
import type { SshSession } from '../ssh/index.js';
import { journaled } from './effect.js';
import { dataSource, targetUrl } from './exec-data.js';
import type { ActionContext } from './exec-step.js';
import { unsupported } from './exec-step.js';

/*
 * Replication as two plan steps: the start (schema, publication or binlog source, subscription;
 * done once the initial copy is) while the box serves, and the catch-up inside the write freeze
 * (drain, sequences, counts, stop). Each database is one journaled effect: a finished one is not
 * repeated on resume, an unfinished one is run again (the engines find what they made).
 */

type DataCopy = Extract<Action, { kind: 'data-copy' }>;
type Obj = Record<string, Json>;

interface ReplicationJob {
  session: SshSession;
  source: DataSource;
  target: TargetUrl;
  /** How the target reaches the box's database server. */
  sourceAddress: { host: string; port: number };
  /** Bound on the catch-up's drain. */
  timeoutMs: number;
  onEvent: (e: DataEvent) => void;
  signal?: AbortSignal;
}

/** One engine's replication as the runner drives it; the outputs are journaled (no secrets in them). */
interface ReplicationEngine {
  /** The plan's method for the start (shared/plan/data-copy.ts); the catch-up is `replication-catch-up` for every engine. */
  method: string;
  start(job: ReplicationJob): Promise<Record<string, Json>>;
  finish(job: ReplicationJob): Promise<Record<string, Json>>;
}

function pgSource(job: ReplicationJob): PostgresSource {
  if (job.source.engine !== 'postgres') throw new Error(`a PostgreSQL replication was given a ${job.source.engine} source`);
  return job.source;
}

const postgres: ReplicationEngine = {
  method: 'logical-replication',
  async start(job) {
    // The database is the plan's own on an instance it created: what a failed start left is cleared.
    const r = await startPostgresReplication({ ...job, source: pgSource(job), replace: true });
    return { subscription: r.subscription, tables: r.tables, resumed: !r.created };
  },
  async finish(job) {
    const r = await finishPostgresReplication({ ...job, source: pgSource(job) });
    return { lsn: r.lsn, drainMs: r.drainMs, sequences: r.sequences.length, tables: r.tables.length, rows: r.tables.reduce((n, t) => n + t.sourceRows, 0) };
  },
};

const mysql: ReplicationEngine = {
  method: 'binlog-replication',
  async start(job) {
    // As for PostgreSQL: the target database is the plan's own, so an interrupted first copy is cleared.
    const r = await startMysqlReplication({ ...job, replace: true });
    return { tables: r.tables, resumed: !r.created, binlog: r.coordinates ? `${r.coordinates.file}:${r.coordinates.position}` : null };
  },
  async finish(job) {
    const r = await finishMysqlReplication(job);
    return { binlog: r.position ? `${r.position.file}:${r.position.position}` : null, drainMs: r.drainMs, tables: r.tables.length, rows: r.tables.reduce((n, t) => n + t.sourceRows, 0) };
  },
};

/** The engines the runner replicates. */
const ENGINES: Partial<Record<DataCopy['engine'], ReplicationEngine>> = { postgres, mysql, mariadb: mysql };

const CATCH_UP = 'replication-catch-up';
/** The drain inside the freeze waits this long for lag 0 unless the plan says otherwise (`source.catchUpSeconds`). */
const CATCH_UP_MS = 120_000;

/** Whether this action is a replication start or catch-up, from the box to a created instance, of an engine the runner replicates. */
export function replicates(action: DataCopy): boolean {
  const engine = ENGINES[action.engine];
  return engine !== undefined && (action.method === engine.method || action.method === CATCH_UP) && 'host' in action.source && 'endpoint' in action.target;
}

/**
 * Where the target reaches the box's server: `source.replicationAddress` ({host, port}) when
 * the plan gives it (a tunnel, a private address), else the address Skylift reaches the box
 * at over SSH and the server's port.
 */
const DEFAULT_PORTS: Partial<Record<DataCopy['engine'], number>> = { postgres: 5432, mysql: 3306, mariadb: 3306 };

function sourceAddress(session: SshSession, engine: DataCopy['engine'], source: Obj): { host: string; port: number } {
  const given = source.replicationAddress as Obj | undefined;
  if (given && typeof given.host === 'string' && typeof given.port === 'number') return { host: given.host, port: given.port };
  return { host: session.target.host, port: typeof source.port === 'number' ? source.port : (DEFAULT_PORTS[engine] ?? 0) };
}

export async function replicationAction(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  const { run, step } = ctx;
  const engine = ENGINES[action.engine];
  if (!engine) throw unsupported(step, `replicate ${action.engine}`);
  const catchUp = action.method === CATCH_UP;
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const databases = Array.isArray(source.databases) ? source.databases.map(String) : [];
  for (const [i, database] of databases.entries()) {
    const params = { source: `${String(source.host)}:${database}`, target: `${String(target.endpoint)}:${typeof target.port === 'number' ? target.port : ''}` };
    await journaled(run, step.id, `${key}#${i}`, { kind: 'data-copy', service: action.engine, operation: action.method, params, token: null }, async () => {
      const session = await run.boxes.session(String(source.host));
      const job: ReplicationJob = {
        session,
        source: await dataSource(session, action.engine, source, database, run.opts.signal),
        target: await targetUrl(run, action.engine, target, database),
        sourceAddress: sourceAddress(session, action.engine, source),
        timeoutMs: typeof source.catchUpSeconds === 'number' ? source.catchUpSeconds * 1000 : CATCH_UP_MS,
        onEvent: (e) =>
          run.emit(
            e.type === 'notice'
              ? { type: 'notice', step: step.id, level: e.level, message: run.scrub(e.message) }
              : { type: 'progress', step: step.id, phase: step.phase, percent: e.total ? Math.round((100 * e.done) / e.total) : 0, detail: `${database}: ${catchUp ? 'catch-up' : 'replication'} ${e.phase}, ${e.done}/${e.total ?? '?'} tables ready${e.current ? ` (${e.current})` : ''}`, elapsedMs: ctx.budget.elapsed(), expectedMs: [0, ctx.budget.ms] },
          ),
        ...(run.opts.signal ? { signal: run.opts.signal } : {}),
      };
      const outputs = catchUp ? await engine.finish(job) : await engine.start(job);
      return { outputs };
    }, reuse);
  }
}
