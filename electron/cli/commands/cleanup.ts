import type { Command } from 'commander';
import { cleanup } from '../../engine/runner/cleanup.js';
import { addRunnerOptions, runnerOptions, type RunnerFlags } from './runner-cli.js';

export function registerCleanup(program: Command): void {
  addRunnerOptions(
    program
      .command('cleanup')
      .description("find what carries a migration's tag but is not in its journal, and offer to delete it")
      .argument('<migration-id>')
      .option('--dry-run', 'only list what is found'),
  ).action(async (id: string, flags: RunnerFlags & { dryRun?: boolean }) => {
    const r = await cleanup(id, { ...runnerOptions(flags, (e) => e.type === 'notice' && !flags.json && process.stderr.write(`${e.message}\n`)), dryRun: flags.dryRun ?? false });
    if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else process.stdout.write(r.orphans.length === 0 ? `Nothing tagged with ${id} is missing from its journal.\n` : `${r.orphans.length} found, ${r.deleted.length} deleted, ${r.kept.length} kept${r.kept.length ? `: ${r.kept.join(', ')}` : ''}\n`);
  });
}
