import type { Command } from 'commander';
import { z } from 'zod';
import { AnswersFile } from '../../../shared/schema/answers.js';
import { AwsCheckReport } from '../../../shared/schema/aws.js';
import { Inventory } from '../../../shared/schema/inventory.js';
import { Plan } from '../../../shared/schema/plan.js';

/** Every exported document's schema, by the name `skylift schema NAME` takes. */
const SCHEMAS: Record<string, z.ZodType> = {
  inventory: Inventory,
  plan: Plan,
  answers: AnswersFile,
  'aws-check': AwsCheckReport,
};

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description(`print the JSON Schema of a document Skylift reads or writes (${Object.keys(SCHEMAS).join(', ')})`)
    .argument('<name>', 'document name')
    .action((name: string) => {
      const schema = SCHEMAS[name];
      if (!schema) throw Object.assign(new Error(`no schema named "${name}"`), { hint: `one of: ${Object.keys(SCHEMAS).join(', ')}` });
      process.stdout.write(JSON.stringify(z.toJSONSchema(schema, { io: 'output' }), null, 2) + '\n');
    });
}
