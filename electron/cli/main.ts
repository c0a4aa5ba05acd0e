import { Command, CommanderError } from 'commander';
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

type Register = (program: Command) => void;

/**
 * Each command loads only what it uses: the AWS SDK and the runner cost a second of start-up
 * that `skylift inventory` must not pay. `--help` and unknown words load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  inventory: async () => (await import('./commands/inventory.js')).registerInventory,
  data: async () => (await import('./commands/data.js')).registerData,
  plan: async () => (await import('./commands/plan.js')).registerPlan,
  aws: async () => (await import('./commands/aws-check.js')).registerAws,
  schema: async () => (await import('./commands/schema.js')).registerSchema,
  apply: async () => (await import('./commands/apply.js')).registerApply,
  rollback: async () => (await import('./commands/rollback.js')).registerRollback,
  status: async () => (await import('./commands/status.js')).registerStatus,
  log: async () => (await import('./commands/log.js')).registerLog,
  cleanup: async () => (await import('./commands/cleanup.js')).registerCleanup,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
};
const word = process.argv[2];
for (const name of word && word in COMMANDS ? [word] : Object.keys(COMMANDS)) (await COMMANDS[name]!())(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode;
  else process.exitCode = reportError(err);
}
