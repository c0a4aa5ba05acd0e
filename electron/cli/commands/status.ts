import type { Command } from 'commander';
import { describeFreeze } from '../../engine/runner/freeze-clock.js';
import { listMigrations, migrationStatus, type MigrationStatus } from '../../engine/runner/status.js';
import { addRunnerOptions, runnerOptions, type RunnerFlags } from './runner-cli.js';

interface StatusFlags extends RunnerFlags {
  aws: boolean;
}

function render(s: MigrationStatus): string {
  const count = (state: string) => s.steps.filter((x) => x.state === state).length;
  const lines = [
    `Migration ${s.id} (${s.region}${s.account ? `, account ${s.account}` : ''})`,
    `Phase      ${s.phase ?? 'not started'}: ${count('done')} of ${s.steps.length} steps done${count('failed') ? `, ${count('failed')} failed` : ''}${count('interrupted') ? `, ${count('interrupted')} interrupted` : ''}${count('undone') ? `, ${count('undone')} rolled back` : ''}`,
    `Last run   ${s.lastRun ? `${s.lastRun.mode} at ${s.lastRun.at}: ${s.lastRun.result ?? 'running or killed'}${s.lastRun.reason ? ` (${s.lastRun.reason})` : ''}` : 'none'}`,
    ...(s.freeze ? [`Freeze     ${describeFreeze(s.freeze)}`] : []),
    `Lock       ${s.lock ? `held by ${s.lock.command} (pid ${s.lock.pid} on ${s.lock.host}, since ${s.lock.since})` : 'free'}`,
    'Steps',
    ...s.steps.map((x) => `  ${x.state.padEnd(11)} ${x.id}${x.error ? ` — ${x.error}` : ''}`),
    'Resources',
    ...(s.resources.length ? s.resources.map((r) => `  ${r.exists === null ? '?' : r.exists ? '✔' : '✘'} ${r.kind} ${r.name}${r.monthlyUsd ? ` ~$${r.monthlyUsd.toFixed(2)}/month` : ''}`) : ['  none created']),
    `Cost       ~$${s.cost.monthlyUsd.toFixed(2)}/month on demand (prices as of ${s.cost.asOf}${s.cost.unpriced.length ? `; not priced: ${s.cost.unpriced.join(', ')}` : ''}; traffic not included)`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerStatus(program: Command): void {
  addRunnerOptions(
    program
      .command('status')
      .description('where a migration is, what exists on AWS, what it costs per month (no id: list the migrations)')
      .argument('[migration-id]')
      .option('--no-aws', 'from the journal only: do not ask AWS what exists'),
  ).action(async (id: string | undefined, flags: StatusFlags) => {
    if (!id) {
      const ids = listMigrations();
      process.stdout.write(flags.json ? `${JSON.stringify(ids)}\n` : ids.length ? `${ids.join('\n')}\n` : 'No migrations yet: skylift apply plan.json starts one.\n');
      return;
    }
    const opts = runnerOptions(flags, () => undefined);
    const s = await migrationStatus(id, flags.aws ? { aws: opts.aws } : {});
    process.stdout.write(flags.json ? `${JSON.stringify(s, null, 2)}\n` : render(s));
  });
}
