/**
 * Mapping: inventories + answers → TargetDesign. Pure and deterministic; no network. The
 * questions a wizard or `--answers` file can answer are the design's `questions`, each with its
 * key, choices and default; answers not given take the default and are recorded as defaulted.
 */

import type { Answers, AnswersFile, Question } from '../schema/answers.js';
import { DESIGN_SCHEMA_VERSION, type TargetDesign } from '../schema/design.js';
import type { Inventory } from '../schema/inventory.js';
import { MappingContext } from './context.js';
import { mapCost } from './cost.js';
import { coverRest, openQuestionsFromProbe } from './coverage.js';
import { mapCron } from './cron.js';
import { chooseDomains, mapDns } from './dns.js';
import { mapEnvironment } from './eb.js';
import { mapCaches } from './elasticache.js';
import { mapFreeze } from './freeze.js';
import { mapGeneral } from './general.js';
import { mapIam } from './iam.js';
import { mapNetwork } from './network.js';
import { mapDatabases } from './rds.js';
import { groupApps } from './sources.js';
import { DEFAULT_TABLES, type Tables } from './tables/index.js';
import { validateOptionSettings } from './tables/eb-options.js';

export interface MapOptions {
  /** Keys of `answers` that were defaults in an earlier run (answers.json `defaulted`). */
  defaulted?: string[];
  /** Version tables refreshed from the live APIs. */
  tables?: Tables;
}

export function mapInventories(inventories: Inventory[], answers: Answers = {}, options: MapOptions = {}): TargetDesign {
  const ctx = new MappingContext(answers, new Set(options.defaulted ?? []), options.tables ?? DEFAULT_TABLES);
  const groups = groupApps(inventories);
  const general = mapGeneral(ctx, inventories, groups);
  const databases = mapDatabases(ctx, inventories, general);
  const caches = mapCaches(ctx, inventories, general);
  const domains = chooseDomains(ctx, groups);
  const endpoints = {
    databases: databases.map((d) => ({ resource: `rds:${d.id}`, engine: d.engine })),
    caches: caches.map((c) => ({ resource: `cache:${c.id}`, engine: c.engine })),
  };
  const mapped = groups.map((g) => mapEnvironment(ctx, g, general, endpoints, groups.length === 1 ? 'eb' : `eb/${g.id}`, domains.get(g.id) ?? []));
  const environments = mapped.map((m) => m.env);
  const buckets = mapped.flatMap((m) => m.buckets);
  const fileSystems = mapped.flatMap((m) => m.fileSystems);
  const schedules = mapCron(ctx, inventories, environments, general.name, databases.length > 0);
  const network = mapNetwork(ctx, general.name, databases, caches, fileSystems, inventories);
  const freeze = mapFreeze(ctx, inventories, environments, databases);
  const iam = mapIam(ctx, general.name, general.region, environments, buckets);
  const dns = mapDns(ctx, inventories, environments, general.region);
  for (const env of environments) checkOptions(ctx, env);
  if (environments.length + databases.length + caches.length === 0) {
    ctx.block({
      id: 'nothing-to-migrate',
      area: 'general',
      title: 'Nothing to migrate was found',
      detail: 'No Node.js app, database or cache was found in the inventories, so the plan would only create empty infrastructure.',
      facts: inventories.map((i) => `${i.target.label}: ${i.apps.length} apps, ${i.databases.postgres.length + i.databases.mysql.length} database servers`),
      resolutions: [{ value: 'inventory-again', label: 'Inventory the right box', consequence: 'Run the inventory on the box that runs the app (with sudo, so processes and configs are readable), then plan again.' }],
      answerKey: null,
    });
  }
  coverRest(ctx, inventories, environments);
  openQuestionsFromProbe(ctx, inventories);
  const resources = { network, iam, environments, databases, caches, buckets, fileSystems, schedules, dns, freeze };
  const cost = mapCost(ctx, inventories, resources, general.region, general.budget);
  return {
    schemaVersion: DESIGN_SCHEMA_VERSION,
    migration: {
      name: general.name,
      region: general.region,
      accountId: general.accountId,
      tablesAsOf: ctx.tables.asOf,
      sources: inventories.map((i) => ({ label: i.target.label, hostname: i.host.hostname, provider: i.host.provider.name, collectedAt: i.collectedAt })),
    },
    answers: ctx.records,
    questions: ctx.questions,
    unusedAnswers: ctx.unusedAnswers(),
    decisions: ctx.decisions,
    blockers: ctx.blockers,
    coverage: ctx.coverage,
    openQuestions: ctx.openQuestions,
    resources,
    cost,
  };
}

/** An invalid option fails here, at plan time, as a blocker — not at cutover. */
function checkOptions(ctx: MappingContext, env: TargetDesign['resources']['environments'][number]): void {
  const envSettings = env.envVars.map((v) => ({
    namespace: v.store === 'ssm' ? 'aws:elasticbeanstalk:application:environmentsecrets' : 'aws:elasticbeanstalk:application:environment',
    optionName: v.name,
    value: v.store === 'ssm' ? `arn:aws:ssm:::parameter${v.parameterName ?? ''}` : '',
  }));
  const problems = validateOptionSettings([...env.optionSettings, ...envSettings], env.loadBalancer);
  if (problems.length > 0) {
    ctx.block({
      id: `eb.${env.id}.invalid-options`,
      area: 'eb',
      title: `${env.environmentName} would be created with invalid option settings`,
      detail: problems.join('; '),
      facts: [],
      resolutions: [{ value: 'change-answers', label: 'Change the answers that produced them', consequence: 'The plan is recomputed and checked again.' }],
      answerKey: null,
    });
  }
}

/** The questions for these inventories given the answers so far (later questions can depend on earlier answers). */
export function listQuestions(inventories: Inventory[], answers: Answers = {}): Question[] {
  return mapInventories(inventories, answers).questions;
}

/** The answers.json a run writes: every answer used, defaults listed, keys sorted. */
export function answersFile(design: TargetDesign): AnswersFile {
  const sorted = [...design.answers].sort((a, b) => a.key.localeCompare(b.key));
  return {
    schemaVersion: 1,
    answers: Object.fromEntries(sorted.map((r) => [r.key, r.value])),
    defaulted: sorted.filter((r) => r.source === 'defaulted').map((r) => r.key),
  };
}
