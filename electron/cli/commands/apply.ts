import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PHASES, type Phase } from '../../../shared/schema/plan.js';
import { apply } from '../../engine/runner/apply.js';
import { dryRun } from '../../engine/runner/dry-run.js';
import { RunnerError } from '../../engine/runner/errors.js';
import { migrationIdOf, parsePlan } from '../../engine/runner/plan-check.js';
import { addSshOptions, sshConnectOptions, type SshFlags } from '../ssh-options.js';
import { addRunnerOptions, finish, runnerOptions, runnerProgress, type RunnerFlags } from './runner-cli.js';

interface ApplyFlags extends RunnerFlags, SshFlags {
  until?: string;
  from?: string;
  dryRun?: boolean;
}

export function registerApply(program: Command): void {
  addSshOptions(
    addRunnerOptions(
      program
        .command('apply')
        .description('apply a plan step by step (or resume it): journaled, crash-safe, reversible with skylift rollback')
        .argument('<plan>', 'plan.json written by skylift plan')
        .option('--until <phase>', `stop cleanly after this phase (${PHASES.join(', ')})`)
        .option('--from <step>', 'start at this step (the steps before it must be done in the journal)')
        .option('--dry-run', 'check every call and its parameters against AWS; create nothing'),
    ),
  ).action(async (file: string, flags: ApplyFlags) => {
    if (flags.until && !PHASES.includes(flags.until as Phase)) throw new RunnerError('PLAN_INVALID', `--until ${flags.until} is not a phase`, `one of: ${PHASES.join(', ')}`);
    const path = resolve(file);
    const text = await readFile(path, 'utf8').catch((err: Error) => {
      throw new RunnerError('PLAN_INVALID', `cannot read ${file}: ${err.message}`, 'give the plan.json skylift plan wrote');
    });
    const plan = parsePlan(text, file);
    const id = migrationIdOf(plan);
    process.stdout.write(flags.json ? `${JSON.stringify({ type: 'id', id })}\n` : `Migration ${id}\n`);
    const progress = runnerProgress(flags.json, plan.steps.length);
    const options = {
      ...runnerOptions(flags, (e) => progress.event(e)),
      ssh: (label: string) => sshConnectOptions(label, flags),
      bundleRoot: dirname(path),
      ...(flags.until ? { until: flags.until as Phase } : {}),
      ...(flags.from ? { from: flags.from } : {}),
    };
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    finish(flags.dryRun ? await dryRun(plan, options) : await apply(plan, { ...options, signal: abort.signal }), progress, flags.json);
  });
}
