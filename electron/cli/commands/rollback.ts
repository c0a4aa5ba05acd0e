import type { Command } from 'commander';
import { rollback } from '../../engine/runner/rollback.js';
import { addSshOptions, sshConnectOptions, type SshFlags } from '../ssh-options.js';
import { addRunnerOptions, finish, runnerOptions, runnerProgress, type RunnerFlags } from './runner-cli.js';

interface RollbackFlags extends RunnerFlags, SshFlags {
  finalSnapshot: boolean;
  acceptDataLoss?: boolean;
}

export function registerRollback(program: Command): void {
  addSshOptions(
    addRunnerOptions(
      program
        .command('rollback')
        .description('undo what a migration did, latest first: DNS back to the box, then the deployment, then the resources (journaled, resumable)')
        .argument('<migration-id>', 'the id apply printed (skylift status lists them)')
        .option('--no-final-snapshot', 'delete RDS instances without keeping a final snapshot')
        .option('--accept-data-loss', 'go back even though writes made on AWS since the DNS switch cannot be copied back'),
    ),
  ).action(async (id: string, flags: RollbackFlags) => {
    process.stdout.write(flags.json ? `${JSON.stringify({ type: 'id', id })}\n` : `Migration ${id}\n`);
    const progress = runnerProgress(flags.json, 0);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const result = await rollback(id, {
      ...runnerOptions(flags, (e) => progress.event(e)),
      ssh: (label: string) => sshConnectOptions(label, flags),
      noFinalSnapshot: !flags.finalSnapshot,
      acceptDataLoss: flags.acceptDataLoss ?? false,
      signal: abort.signal,
    });
    finish(result, progress, flags.json);
  });
}
