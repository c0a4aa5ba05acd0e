/**
 * Migration-wide choices: its name (the root of every resource name), region, account,
 * availability level and budget.
 */

import type { Inventory } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { EB_HOSTED_ZONES } from './tables/eb-hosted-zones.js';
import { PRICED_REGION } from './tables/prices.js';
import { resourceName } from './names.js';
import type { AppGroup } from './sources.js';

export interface General {
  name: string;
  region: string;
  accountId: string | null;
  highAvailability: boolean;
  budget: number | null;
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function mapGeneral(ctx: MappingContext, inventories: Inventory[], groups: AppGroup[]): General {
  const hostname = inventories.find((i) => i.host.hostname)?.host.hostname ?? null;
  const seed = (groups.length === 1 ? groups[0]?.id : hostname) ?? groups[0]?.id ?? 'app';
  const defaultName = resourceName([seed], 20);
  let name = ctx.ask({
    key: 'migration.name',
    prompt: 'Migration name (prefix of every AWS resource name, tagged skylift:migration)',
    kind: 'text',
    default: defaultName,
    defaultReason: 'Derived from the app (the hostname when the box runs several): short, lowercase, stable.',
  });
  if (resourceName([name], 20) !== name) {
    ctx.decide({
      id: 'migration.name',
      area: 'general',
      title: 'Migration name',
      value: resourceName([name], 20),
      reason: 'Resource names must be lowercase letters, digits and hyphens, start with a letter and stay short (EB environment names ≤ 40 characters).',
      warnings: [`"${name}" was normalised.`],
      answerKey: 'migration.name',
    });
    name = resourceName([name], 20);
  }

  let region = ctx.ask({
    key: 'aws.region',
    prompt: 'AWS region for the new environment',
    kind: 'text',
    default: PRICED_REGION,
    defaultReason: 'Widest service availability and the region the bundled price table covers; pick the region nearest your users.',
  });
  if (!REGION.test(region)) {
    ctx.block({
      id: 'aws.region.invalid',
      area: 'general',
      title: `"${region}" is not an AWS region name`,
      detail: 'Region names look like us-east-1 or eu-central-1.',
      facts: [],
      resolutions: [{ value: 'correct-answer', label: 'Correct aws.region', consequence: 'Answer with a region such as us-east-1; the plan is recomputed.' }],
      answerKey: null,
    });
    region = PRICED_REGION;
  }
  ctx.decide({
    id: 'aws.region',
    area: 'general',
    title: 'Region',
    value: region,
    reason: ctx.given('aws.region') ? 'Your answer.' : 'Default region; the box\'s provider region is not comparable to AWS regions, so latency to your users decides.',
    warnings: EB_HOSTED_ZONES[region] ? [] : [`${region} is not in the bundled Elastic Beanstalk hosted-zone table: apex aliases target the load balancer, read at apply time.`],
    answerKey: 'aws.region',
  });

  const accountId = ctx.ask<string | null>({
    key: 'aws.accountId',
    prompt: 'AWS account id the plan is for (12 digits; blank if not known yet)',
    kind: 'text',
    default: null,
    defaultReason: 'Unknown until credentials are available; the runner reads it with sts:GetCallerIdentity and refuses a different account.',
  });

  const multiNode = groups.some((g) => g.members.length > 1);
  const highAvailability =
    ctx.ask({
      key: 'ha.level',
      prompt: 'Availability: match the source, or spread across availability zones?',
      kind: 'choice',
      choices: [
        { value: 'single-az', label: 'Match the source', consequence: 'One database instance, one cache node, as few app instances as the source had: the lowest cost.' },
        { value: 'multi-az', label: 'Multi-AZ', consequence: 'RDS Multi-AZ standby, a cache replica with failover and at least two app instances: about twice the database and cache cost.' },
      ],
      default: multiNode ? 'multi-az' : 'single-az',
      defaultReason: multiNode
        ? 'The app already ran on several boxes behind a load balancer: keep that redundancy.'
        : 'The source was a single box with no redundancy; matching it keeps the cost comparable.',
    }) === 'multi-az';

  const budget = ctx.ask<number | null>({
    key: 'budget.monthlyUsd',
    prompt: 'Monthly budget in USD for the target (blank for none)',
    kind: 'number',
    default: null,
    defaultReason: 'No budget given: the estimate is shown without a limit.',
  });

  return { name, region, accountId, highAvailability, budget };
}
