import type { Command } from 'commander';
import { auditLog } from '../../engine/runner/audit-log.js';

export function registerLog(program: Command): void {
  program
    .command('log')
    .description('the audit trail of a migration: every AWS call and remote command with its time, parameters (secrets masked) and outcome')
    .argument('<migration-id>')
    .option('--json', 'one JSON object per call')
    .action((id: string, flags: { json?: boolean }) => {
      const { entries } = auditLog(id);
      for (const e of entries) {
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(e)}\n`
            : `${e.at}  ${e.step.padEnd(28)} ${e.call.padEnd(46)} ${e.outcome}${e.ms !== null ? ` ${e.ms}ms` : ''}${e.token ? `  [${e.token}]` : ''}${e.error ? `\n    error: ${e.error}` : ''}\n    ${JSON.stringify(e.params)}\n`,
        );
      }
    });
}
