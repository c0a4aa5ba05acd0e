import { Command, CommanderError } from 'commander';
import { registerAws } from './commands/aws-check.js';
import { registerInventory } from './commands/inventory.js';
import { registerPlan } from './commands/plan.js';
import { registerSchema } from './commands/schema.js';
import { reportError } from './report-error.js';

// `skylift … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command()
  .name('skylift')
  .description('Move a self-managed Linux box to AWS: inventory, plan, cutover, rollback.')
  .showHelpAfterError()
  .exitOverride();

registerInventory(program);
registerPlan(program);
registerAws(program);
registerSchema(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode;
  else process.exitCode = reportError(err);
}
