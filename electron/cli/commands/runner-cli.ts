import { Option, type Command } from 'commander';
import { ask, interactive } from '../prompt.js';
import { createProgress, formatDuration, progressMode, type ProgressRenderer } from '../progress.js';
import { reportError } from '../report-error.js';
import type { RunResult } from '../../engine/runner/apply.js';
import type { RunnerEvent } from '../../engine/runner/events.js';
import { proxyConnector } from '../../engine/runner/proxy.js';
import type { RunnerOptions } from '../../engine/runner/run.js';

/** Flags every runner command takes (apply, rollback, status, log, cleanup). */
export interface RunnerFlags {
  endpointUrl?: string;
  profile?: string;
  region?: string;
  maxAttempts?: number;
  yes?: boolean;
  json?: boolean;
  timeScale?: number;
  concurrency?: number;
  dbCaBundle?: string;
}

export function addRunnerOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (https unless on this machine)')
    .option('--profile <name>', 'named profile from ~/.aws/config (SSO and assume-role included); default: the SDK chain')
    .option('--region <region>', "AWS region (must be the plan's)")
    .option('--max-attempts <n>', 'attempts per AWS call, retries included', (v) => Number.parseInt(v, 10))
    .option('-y, --yes', 'answer yes to every confirmation (the write freeze, the DNS switch, manual steps)')
    .option('--json', 'JSON lines on stdout instead of progress bars')
    .option('--db-ca-bundle <file>', 'verify the databases\' TLS certificates and names against this CA bundle (RDS: global-bundle.pem from truststore.pki.rds.amazonaws.com); without it TLS is required but not verified')
    .addOption(new Option('--time-scale <factor>', 'multiply budgets, polls and waits (for local AWS emulators whose clock runs faster)').argParser(Number.parseFloat).hideHelp())
    .addOption(new Option('--concurrency <n>', 'steps run at once').argParser((v) => Number.parseInt(v, 10)).default(8));
}

export function runnerOptions(flags: RunnerFlags, onEvent: (e: RunnerEvent) => void): RunnerOptions {
  const connect = proxyConnector();
  return {
    aws: {
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.profile ? { profile: flags.profile } : {}),
      ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
      ...(flags.maxAttempts ? { maxAttempts: flags.maxAttempts } : {}),
    },
    yes: flags.yes ?? false,
    ...(interactive() ? { confirm: async (q: string) => /^y(es)?$/i.test((await ask(`${q} (yes/no) `)).trim()) } : {}),
    ...(flags.timeScale && flags.timeScale > 0 ? { timeScale: flags.timeScale } : {}),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(flags.dbCaBundle ? { dbCaFile: flags.dbCaBundle } : {}),
    ...(connect ? { connect } : {}),
    onEvent,
  };
}

/** Event lines as a person reads them (above the bar). */
function describe(e: RunnerEvent): string | null {
  switch (e.type) {
    case 'migration':
      return `${e.resumed ? 'Resuming' : 'Starting'} ${e.mode} of ${e.id}${e.tookOverLockFrom !== null ? ` (took over the lock left by crashed process ${e.tookOverLockFrom})` : ''}`;
    case 'step':
      if (e.status === 'start' || e.status === 'undo-start') return `${e.status === 'start' ? '▶' : '↶'} ${e.step} [${e.phase}] ${e.title} (expected ${formatDuration(e.expectedMs[0] / 1000)}–${formatDuration(e.expectedMs[1] / 1000)})`;
      if (e.status === 'done' || e.status === 'undone') return `✔ ${e.step} ${e.status} in ${formatDuration(e.elapsedMs / 1000)}`;
      return `✘ ${e.step} failed after ${formatDuration(e.elapsedMs / 1000)}: ${e.error}${e.hint ? `\n  what to do: ${e.hint}` : ''}`;
    case 'aws-event':
      return `  ${e.source} ${e.at.slice(11, 19)} [${e.severity}] ${e.message}`;
    case 'notice':
      return `${e.level === 'warn' ? '! ' : '  '}${e.step ? `${e.step}: ` : ''}${e.message}`;
    case 'manual':
      return `☛ ${e.step}: ${e.instructions}`;
    case 'end':
      return null;
    case 'progress':
      return null;
  }
}

export function runnerProgress(json: boolean | undefined, total: number): ProgressRenderer<RunnerEvent> {
  let done = 0;
  const running = new Map<string, string>();
  return createProgress<RunnerEvent>({
    mode: progressMode(json),
    notice: (e) => {
      if (e.type === 'step') {
        if (e.status === 'done' || e.status === 'undone') done++;
        if (e.status === 'start' || e.status === 'undo-start') running.set(e.step, e.title);
        else running.delete(e.step);
      }
      return describe(e);
    },
    view: (e) => {
      if (e.type !== 'progress') return null;
      running.set(e.step, `${e.detail} (${e.percent}%)`);
      return { label: 'steps', value: done, total, detail: [...running.entries()].map(([s, d]) => `${s}: ${d}`).join(' · ').slice(0, 140) };
    },
  });
}

/** Prints how a run ended and sets the exit code: 0 done or stopped as asked, 3 waiting for a person, 1 failed. */
export function finish(result: RunResult, progress: ProgressRenderer<RunnerEvent>, json: boolean | undefined): void {
  progress.stop();
  progress.result({ id: result.id, result: result.result, reason: result.reason });
  if (!json && progressMode(json) === 'bars') process.stderr.write(`${result.result}${result.reason ? `: ${result.reason}` : ''}\n`);
  if (result.result === 'failed') {
    if (result.error) reportError(result.error);
    else process.stderr.write(`skylift: ${result.reason ?? 'failed'}\n`);
  }
  if (result.result === 'waiting') process.stderr.write(`skylift: ${result.reason}\n`);
  process.exitCode = result.result === 'failed' ? 1 : result.result === 'waiting' ? 3 : 0;
}
