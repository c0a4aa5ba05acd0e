import type { Command } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { listQuestions, mapInventories } from '../../../shared/mapping/index.js';
import { buildPlan, exportPlan } from '../../../shared/plan/index.js';
import { DEFAULT_TABLES, type Tables } from '../../../shared/mapping/tables/index.js';
import { refreshTables } from '../../../shared/mapping/tables/refresh.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import { Answers, AnswersFile, type AnswerValue, type Question } from '../../../shared/schema/answers.js';
import { Inventory } from '../../../shared/schema/inventory.js';
import { inventoryOverSsh } from '../../engine/inventory/run-probe.js';
import { connect } from '../../engine/ssh/index.js';
import { ask, interactive } from '../prompt.js';
import { addSshOptions, sshConnectOptions, type SshFlags } from '../ssh-options.js';

interface PlanFlags extends SshFlags {
  inventory?: string[];
  sample?: string;
  region?: string;
  domain?: string[];
  hostedZone?: string;
  existingEnv?: string;
  answers?: string;
  refresh?: boolean;
  profile?: string;
  endpointUrl?: string;
  output: string;
  sudo: boolean;
}

const usageError = (message: string, hint: string): Error => Object.assign(new Error(message), { hint });

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw usageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, 'give a JSON file written by skylift');
  }
}

async function loadInventories(targets: string[], flags: PlanFlags): Promise<Inventory[]> {
  if (flags.sample) {
    const sample = SAMPLES[flags.sample];
    if (!sample) throw usageError(`no sample named "${flags.sample}"`, `one of: ${Object.keys(SAMPLES).join(', ')}`);
    return [sample];
  }
  const fromFiles = await Promise.all(
    (flags.inventory ?? []).map(async (file) => {
      const parsed = Inventory.safeParse(await readJson(file));
      if (!parsed.success) throw usageError(`${file} is not a Skylift inventory: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'write one with skylift inventory --json -o FILE');
      return parsed.data;
    }),
  );
  const fromBoxes = await Promise.all(
    targets.map(async (target) => {
      const session = await connect(await sshConnectOptions(target, flags));
      try {
        return await inventoryOverSsh(session, { sudo: flags.sudo });
      } finally {
        await session.close();
      }
    }),
  );
  const all = [...fromFiles, ...fromBoxes];
  if (all.length === 0) throw usageError('nothing to plan from', 'name boxes, or give --inventory FILE or --sample NAME (try: skylift plan --sample do-1click-socketio)');
  return all;
}

async function loadAnswers(flags: PlanFlags): Promise<{ answers: Answers; defaulted: string[] }> {
  if (!flags.answers) return { answers: {}, defaulted: [] };
  const parsed = AnswersFile.safeParse(await readJson(flags.answers));
  if (parsed.success) return { answers: parsed.data.answers, defaulted: parsed.data.defaulted };
  const bare = Answers.safeParse(await readJson(flags.answers));
  if (bare.success) return { answers: bare.data, defaulted: [] };
  throw usageError(`${flags.answers} is not an answers file: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'use the answers.json a previous skylift plan wrote');
}

/** Command-line flags are answers too; they win over the answers file. */
function applyFlags(inventories: Inventory[], answers: Answers, flags: PlanFlags): Answers {
  const out: Answers = { ...answers };
  if (flags.region) out['aws.region'] = flags.region;
  if (flags.domain?.length) out['dns.domains'] = flags.domain;
  if (flags.hostedZone) out['dns.hostedZoneId'] = flags.hostedZone;
  if (flags.existingEnv) {
    for (const q of listQuestions(inventories, out)) if (/^app\.[^.]+\.existingEnvironment$/.test(q.key)) out[q.key] = flags.existingEnv;
  }
  return out;
}

function parseAnswer(q: Question, text: string): AnswerValue | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (q.kind === 'number') return Number.isFinite(Number(t)) ? Number(t) : undefined;
  if (q.kind === 'boolean') return /^(y|yes|true)$/i.test(t) ? true : /^(n|no|false)$/i.test(t) ? false : undefined;
  if (q.kind === 'list') return t.split(/[\s,]+/).filter(Boolean);
  if (q.kind === 'choice') return q.choices.find((c, i) => c.value === t || String(i + 1) === t)?.value;
  return t;
}

/** The platform branches and engine versions AWS offers today, in place of the bundled snapshot. */
async function liveTables(answers: Answers, flags: PlanFlags): Promise<Tables> {
  const region = answers['aws.region'];
  if (typeof region !== 'string' || !region) throw usageError('--refresh needs a region', 'add --region R (or aws.region in the answers file)');
  // Loaded on use: the SDK clients cost a second of start-up that a plan without --refresh must not pay.
  const [{ createAwsClients }, { fetchAwsOfferings }] = await Promise.all([import('../../engine/aws/clients.js'), import('../../engine/aws/offerings.js')]);
  const clients = createAwsClients({
    region,
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
  });
  try {
    return refreshTables(DEFAULT_TABLES, await fetchAwsOfferings(clients));
  } finally {
    clients.destroy();
  }
}

/** Asks every question not answered yet, in order; Enter takes the default. */
async function askQuestions(inventories: Inventory[], answers: Answers): Promise<Answers> {
  const out = { ...answers };
  const asked = new Set<string>();
  for (;;) {
    const q = listQuestions(inventories, out).find((x) => !(x.key in out) && !asked.has(x.key));
    if (!q) return out;
    asked.add(q.key);
    const choices = q.choices.map((c, i) => `  ${i + 1}. ${c.value} — ${c.label}: ${c.consequence}`).join('\n');
    const def = q.default === null ? 'no default: an answer is needed' : `default ${JSON.stringify(q.default)} (${q.defaultReason})`;
    for (;;) {
      const text = await ask(`\n${q.prompt} [${q.key}]\n${choices ? `${choices}\n` : ''}${def}\n> `);
      if (text.trim() === '' && q.default !== null) break;
      const value = parseAnswer(q, text);
      if (value !== undefined) {
        out[q.key] = value;
        break;
      }
      process.stderr.write(`not a valid answer for a ${q.kind} question\n`);
    }
  }
}

export function registerPlan(program: Command): void {
  addSshOptions(
    program
      .command('plan')
      .description('map boxes to AWS and write a dry-run plan: runbook, plan.json, rollback checklist, EB bundle')
      .argument('[targets...]', 'boxes to inventory now (user@host or ~/.ssh/config aliases)')
      .option('--inventory <file...>', 'plan from inventories written by skylift inventory --json')
      .option('--sample <name>', `plan from a bundled sample box (${Object.keys(SAMPLES).join(', ')})`)
      .option('--region <region>', 'AWS region')
      .option('--domain <domain...>', 'domain names the app serves')
      .option('--hosted-zone <id>', 'Route 53 hosted zone id')
      .option('--existing-env <name>', 'an existing Elastic Beanstalk environment to fix rather than create')
      .option('--answers <file>', 'answers.json: every question answered, fully non-interactive')
      .option('--refresh', 'ask AWS for today\'s platform branches and engine versions instead of the bundled snapshot')
      .option('--profile <name>', 'AWS profile for --refresh (default: the SDK chain)')
      .option('--endpoint-url <url>', 'AWS endpoint for --refresh (https unless on this machine)')
      .option('-o, --output <dir>', 'where to write the plan', 'skylift-plan')
      .option('--no-sudo', 'never elevate with sudo -n on the boxes'),
  ).action(async (targets: string[], flags: PlanFlags) => {
    const inventories = await loadInventories(targets, flags);
    const given = await loadAnswers(flags);
    let answers = applyFlags(inventories, given.answers, flags);
    if (!flags.answers && interactive()) answers = await askQuestions(inventories, answers);
    const defaulted = given.defaulted.filter((k) => given.answers[k] === answers[k]);
    const tables = flags.refresh ? await liveTables(answers, flags) : DEFAULT_TABLES;
    const design = mapInventories(inventories, answers, { defaulted, tables });
    const plan = buildPlan(design);
    const { files } = exportPlan(plan, design);
    const dir = resolve(flags.output);
    for (const [path, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      const file = join(dir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    const open = design.blockers.filter((b) => b.resolution === null);
    process.stdout.write(
      [
        `Plan for ${design.migration.name} in ${design.migration.region}: ${plan.steps.length} steps, written to ${dir}/`,
        ...Object.keys(files).sort().map((f) => `  ${f}`),
        open.length
          ? `${open.length} blocker(s) to resolve before it can be applied:\n${open.map((b) => `  - ${b.title}${b.answerKey ? ` (answer ${b.answerKey})` : ''}`).join('\n')}`
          : 'No open blockers.',
        `Read the runbook first: ${join(dir, 'plan.md')}`,
        '',
      ].join('\n'),
    );
  });
}
