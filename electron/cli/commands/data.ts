import { Option, type Command } from 'commander';
import { DataError } from '../../../shared/data/data-error.js';
import { maskUrl, parseTargetUrl, type TargetUrl } from '../../../shared/data/target-url.js';
import type { CopyResult, DataEngine, DataEvent, DataSource, VerifyReport } from '../../../shared/schema/data.js';
import { connect } from '../../engine/ssh/index.js';
import { createProgress, formatBytes, formatDuration, progressMode, type BarView, type ProgressRenderer } from '../progress.js';
import { reportError } from '../report-error.js';
import { addSshOptions, sshConnectOptions, type SshFlags } from '../ssh-options.js';

interface DataFlags extends SshFlags {
  engine: DataEngine;
  database?: string;
  sourcePort?: string;
  sourceHost?: string;
  sourceSocket?: string;
  sourceUser?: string;
  osUser?: string;
  json?: boolean;
}

interface CopyFlags extends DataFlags {
  to: string;
  replace?: boolean;
  myisam?: 'lock' | 'accept';
  verify: boolean;
}

interface VerifyFlags extends DataFlags {
  against: string;
  sample?: string;
}

/** Secrets may come from the environment instead of the command line (shell history, ps). */
const ENV_TARGET_PASSWORD = 'SKYLIFT_TARGET_PASSWORD';
const ENV_SOURCE_PASSWORD = 'SKYLIFT_SOURCE_PASSWORD';

function usage(message: string, hint: string): DataError {
  return new DataError('BAD_NAME', message, hint);
}

function port(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw usage(`--source-port ${text} is not a port`, 'give a number from 1 to 65535');
  return n;
}

function sourceOf(flags: DataFlags): DataSource {
  const needsDb = flags.engine === 'postgres' || flags.engine === 'mysql';
  if (needsDb && !flags.database) throw usage(`--database is required for ${flags.engine}`, 'name the database on the box (see `skylift inventory`)');
  switch (flags.engine) {
    case 'postgres':
      return { engine: 'postgres', database: flags.database!, host: flags.sourceHost ?? flags.sourceSocket, port: port(flags.sourcePort), osUser: flags.osUser };
    case 'mysql':
      return { engine: 'mysql', database: flags.database!, socket: flags.sourceSocket, port: port(flags.sourcePort), user: flags.sourceUser };
    case 'redis':
      return { engine: 'redis', host: flags.sourceHost, port: port(flags.sourcePort) };
    case 'memcached':
      return { engine: 'memcached' };
  }
}

/** Parses the URL; a password may come from SKYLIFT_TARGET_PASSWORD when the URL has none. */
function targetOf(text: string): TargetUrl {
  const url = parseTargetUrl(text);
  const fromEnv = process.env[ENV_TARGET_PASSWORD];
  return url.password === null && fromEnv ? { ...url, password: fromEnv } : url;
}

function view(e: DataEvent): BarView | null {
  if (e.type !== 'progress') return null;
  const parts = [formatBytes(e.bytes)];
  if (e.rateBytesPerSec > 0 && e.phase === 'copy') parts.push(`${formatBytes(e.rateBytesPerSec)}/s`);
  if (e.etaSeconds !== null) parts.push(`ETA ${formatDuration(e.etaSeconds)}`);
  if (e.current) parts.push(e.current);
  const count = `${e.done}${e.total === null ? '' : `/${e.total}`} ${e.unit}`;
  // While copying, the bar follows the bytes (one big table would hold a table count still).
  const byBytes = e.phase === 'copy' && e.bytesTotal !== null;
  return { label: e.phase, value: byBytes ? e.bytes : e.done, total: byBytes ? e.bytesTotal : e.total, count, detail: parts.join(' | ') };
}

const notice = (e: DataEvent): string | null => (e.type === 'notice' ? `${e.level === 'warn' ? 'warning' : 'note'}: ${e.message}` : null);

function verifyLines(report: VerifyReport): string[] {
  const lines = report.tables.map((t) => `  ${t.match ? 'ok  ' : 'DIFF'} ${t.table}: ${t.sourceRows} rows${t.match ? '' : ` (target: ${t.targetRows ?? 'missing'})`}`);
  lines.push(...report.redis.map((d) => `  ${d.match ? 'ok  ' : 'DIFF'} db${d.db}: ${d.sourceKeys} keys (target: ${d.targetKeys}), ${d.sampled} sampled`));
  lines.push(report.ok ? `verified: equal (${report.method})` : `NOT EQUAL: ${report.mismatches.join('; ')}`);
  return lines;
}

function copySummary(r: CopyResult): string {
  const lines = [
    `copied ${r.engine}${r.database ? ` database ${r.database}` : ''} from ${r.endpoints.source} to ${r.endpoints.target}`,
    `  ${r.items} ${r.engine === 'redis' ? 'keys' : 'tables'}, ${formatBytes(r.bytes)} in ${formatDuration(r.durationMs / 1000)}${r.endpoints.dumpClient ? ` with ${r.endpoints.dumpClient}` : ''}`,
  ];
  if (r.created.database) lines.push(`  created database ${r.targetDatabase}`);
  if (r.created.roles.length) lines.push(`  created roles (no login; set passwords before the app uses them): ${r.created.roles.join(', ')}`);
  if (r.created.extensions.length) lines.push(`  created extensions: ${r.created.extensions.join(', ')}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (r.verify) lines.push(...verifyLines(r.verify));
  return `${lines.join('\n')}\n`;
}

/** The engine and its drivers load only when a data command runs, not with every other command. */
const engine = () => import('../../engine/data/index.js');

/** Connects to the box, runs the job with progress, closes; failures are reported (never with a secret). */
async function runJob<T>(destination: string, flags: DataFlags, job: (ctx: { session: Awaited<ReturnType<typeof connect>>; progress: ProgressRenderer<DataEvent>; signal: AbortSignal }) => Promise<T>, summary: (r: T) => string): Promise<void> {
  const progress = createProgress<DataEvent>({ mode: progressMode(flags.json), view, notice });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const session = await connect(await sshConnectOptions(destination, flags));
    try {
      const result = await job({ session, progress, signal: abort.signal });
      progress.stop();
      if (progressMode(flags.json) === 'json') progress.result(result as object);
      else process.stdout.write(summary(result));
    } finally {
      await session.close();
    }
  } catch (err) {
    progress.stop();
    if (err instanceof DataError && err.report && progressMode(flags.json) === 'bars') process.stderr.write(`${verifyLines(err.report).join('\n')}\n`);
    if (progressMode(flags.json) === 'json') {
      const e = err as { code?: unknown; message?: unknown; hint?: unknown };
      progress.error(err instanceof DataError ? err.toJSON() : { code: typeof e.code === 'string' ? e.code : undefined, message: maskUrl(String(e.message ?? err)), hint: typeof e.hint === 'string' ? e.hint : undefined });
    }
    process.exitCode = reportError(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function dataOptions(cmd: Command): Command {
  return addSshOptions(
    cmd
      .argument('<box>', 'user@host[:port] or an ~/.ssh/config alias')
      .addOption(new Option('--engine <engine>', 'what to move').choices(['postgres', 'mysql', 'redis', 'memcached']).makeOptionMandatory())
      .option('--database <name>', 'the database on the box (postgres, mysql); the target URL may name another')
      .option('--source-port <port>', 'the server\'s port on the box (default 5432 / socket, 6379)')
      .option('--source-host <host>', 'postgres: socket directory or address on the box; redis: address (default 127.0.0.1)')
      .option('--source-socket <path>', 'mysql: the server\'s socket on the box')
      .option('--source-user <user>', `mysql: log in as this user (password from ${ENV_SOURCE_PASSWORD}); default root over the socket`)
      .option('--os-user <user>', 'postgres: the OS user pg_dump runs as (default postgres, through sudo -n when needed)')
      .option('--json', 'JSON lines (events, then the result) even on a terminal'),
  );
}

export function registerData(program: Command): void {
  const data = program.command('data').description('copy databases and caches from a box into managed targets (RDS, ElastiCache), and prove them equal');

  dataOptions(
    data
      .command('copy')
      .description('stream a database (or every Redis key) from the box into the target, then verify every table')
      .option('--to <url>', `target: postgres://…, mysql://…, redis:// or rediss://… (password may come from ${ENV_TARGET_PASSWORD}); not for memcached`)
      .option('--replace', 'drop what the target database (or Redis db) already holds, instead of refusing')
      .addOption(new Option('--myisam <choice>', 'mysql tables without transactions: lock (writes wait during the dump) or accept (no consistent snapshot)').choices(['lock', 'accept']))
      .option('--no-verify', 'skip the comparison after the copy'),
  ).action(async (box: string, flags: CopyFlags) => {
    const source = sourceOf(flags);
    if (!flags.to && flags.engine !== 'memcached') throw usage('--to is required', 'give the target URL, e.g. postgres://master@mydb.xxxx.rds.amazonaws.com:5432/app?sslmode=verify-full&sslrootcert=global-bundle.pem');
    const target = flags.to === undefined ? '' : targetOf(flags.to);
    await runJob(
      box,
      flags,
      async ({ session, progress, signal }) =>
        (await engine()).copyData({ session, source, sourcePassword: process.env[ENV_SOURCE_PASSWORD], target, replace: flags.replace, myisam: flags.myisam, verify: flags.verify, onEvent: (e) => progress.event(e), signal }),
      copySummary,
    );
  });

  dataOptions(
    data
      .command('verify')
      .description('compare the box and the target: row counts and checksums of every table, or Redis key counts and sampled keys')
      .requiredOption('--against <url>', 'the target to compare with (same URL forms as copy --to)')
      .option('--sample <n>', 'redis: keys compared per db (default 100)'),
  ).action(async (box: string, flags: VerifyFlags) => {
    const source = sourceOf(flags);
    const target = targetOf(flags.against);
    const sample = flags.sample === undefined ? undefined : Number(flags.sample);
    await runJob(
      box,
      flags,
      async ({ session, progress, signal }) => {
        const { assertVerified, verifyData } = await engine();
        const report = await verifyData({ session, source, sourcePassword: process.env[ENV_SOURCE_PASSWORD], target, sample, onEvent: (e) => progress.event(e), signal });
        assertVerified(report);
        return report;
      },
      (r) => `${verifyLines(r).join('\n')}\n`,
    );
  });
}
