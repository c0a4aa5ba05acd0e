import { Command, CommanderError } from 'commander';
import { registerInventory } from './commands/inventory.js';
import { registerSchema } from './commands/schema.js';
import { reportError } from './report-error.js';

const program = new Command()
  .name('skylift')
  .description('Move a self-managed Linux box to AWS: inventory, plan, cutover, rollback.')
  .showHelpAfterError()
  .exitOverride();

registerInventory(program);
registerSchema(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode;
  else process.exitCode = reportError(err);
}
