/**
 * A monthly estimate of the target beside the source boxes, from the dated price table. Every
 * line names its price source; a price the table lacks (another region, a larger class,
 * traffic-based charges) is shown as unknown, never guessed.
 */

import type { Cost, CostLine, TargetDesign } from '../schema/design.js';
import type { Inventory } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { gib } from './sources.js';
import {
  ALB_HOURLY, CACHE_HOURLY, CLB_HOURLY, EC2_HOURLY, EFS_STANDARD_GB_MONTH, HOURS_PER_MONTH, type Price, PRICE_DATE, PRICED_REGION,
  PUBLIC_IPV4_HOURLY, RDS_GP3_GB_MONTH, RDS_HOURLY, ROUTE53_ZONE_MONTH, S3_STANDARD_GB_MONTH, SECRET_MONTH, VALKEY_DISCOUNT,
} from './tables/prices.js';
import { SOURCE_PLANS } from './tables/source-prices.js';

type Resources = TargetDesign['resources'];

function line(item: string, price: Price | undefined, quantity: number, basis: string, factor = 1): CostLine {
  if (!price) return { item, monthlyUsd: null, basis: `${basis}; no price in the table`, source: 'unknown' };
  const perMonth = price.unit === 'hour' ? price.usd * HOURS_PER_MONTH : price.usd;
  return { item, monthlyUsd: Math.round(perMonth * quantity * factor * 100) / 100, basis, source: price.source };
}

function targetLines(r: Resources, region: string): CostLine[] {
  const priced = region === PRICED_REGION;
  const p = <T>(x: T | undefined): T | undefined => (priced ? x : undefined);
  const lines: CostLine[] = [];
  for (const env of r.environments) {
    lines.push(line(`${env.environmentName}: ${env.minSize} × ${env.instanceType}`, p(EC2_HOURLY[env.instanceType]), env.minSize, `at the minimum of ${env.minSize} instance(s); up to ${env.maxSize} when scaled out`));
    lines.push(line(`${env.environmentName}: public IPv4 per instance`, p(PUBLIC_IPV4_HOURLY), env.minSize, 'one address per instance in public subnets'));
    if (env.worker) {
      lines.push(line(`${env.worker.environmentName}: 1 × ${env.worker.instanceType} (worker)`, p(EC2_HOURLY[env.worker.instanceType]), 1, 'one worker instance for cron.yaml jobs'));
      lines.push(line(`${env.worker.environmentName}: public IPv4`, p(PUBLIC_IPV4_HOURLY), 1, 'the worker instance\'s address'));
    }
    if (!env.existing) {
      lines.push(line(`${env.environmentName}: ${env.loadBalancer === 'application' ? 'Application' : 'Classic'} Load Balancer (hours)`, p(env.loadBalancer === 'application' ? ALB_HOURLY : CLB_HOURLY), 1, 'hourly charge only'));
      lines.push(line(`${env.environmentName}: load balancer public IPv4 (2 zones)`, p(PUBLIC_IPV4_HOURLY), 2, 'one address per availability zone'));
    }
  }
  for (const db of r.databases) {
    const az = db.multiAz ? 2 : 1;
    lines.push(line(`${db.identifier}: ${db.instanceClass}${db.multiAz ? ' Multi-AZ' : ''}`, p(RDS_HOURLY[db.engine][db.instanceClass]), az, db.multiAz ? 'primary + standby' : 'single-AZ'));
    lines.push(line(`${db.identifier}: gp3 ${db.allocatedStorageGiB} GiB`, p(RDS_GP3_GB_MONTH[db.engine]), db.allocatedStorageGiB * az, 'allocated storage, not data size'));
    lines.push(line(`${db.identifier}: master password secret`, p(SECRET_MONTH), 1, 'RDS-managed master password in Secrets Manager'));
  }
  for (const c of r.caches) {
    const nodes = 1 + c.replicas;
    lines.push(line(`${c.identifier}: ${nodes} × ${c.nodeType} (${c.engine})`, p(CACHE_HOURLY[c.nodeType]), nodes, c.engine === 'valkey' ? 'Valkey nodes: Redis OSS price less 20%' : 'node hours', c.engine === 'valkey' ? 1 - VALKEY_DISCOUNT : 1));
  }
  for (const b of r.buckets) {
    const bytes = b.sources.reduce((n, s) => n + (s.sizeBytes ?? 0), 0);
    lines.push(line(`${b.name}: S3 Standard storage`, p(S3_STANDARD_GB_MONTH), Math.ceil(gib(bytes) ?? 0), 'the copied files; requests and transfer not included'));
  }
  for (const f of r.fileSystems) {
    const bytes = f.sources.reduce((n, s) => n + (s.sizeBytes ?? 0), 0);
    lines.push(line(`${f.name}: EFS Standard storage`, p(EFS_STANDARD_GB_MONTH), Math.ceil(gib(bytes) ?? 0), 'the copied files'));
  }
  if (r.dns.mode === 'route53-records' || r.dns.mode === 'import-zone') {
    lines.push(line('Route 53 hosted zone(s)', ROUTE53_ZONE_MONTH, r.dns.zones.length, 'per zone; queries not included'));
  }
  return lines;
}

function sourceLines(inventories: Inventory[]): CostLine[] {
  return inventories.map((inv) => {
    const mem = gib(inv.host.memoryBytes);
    const plan = SOURCE_PLANS.find((s) => s.provider === inv.host.provider.name && s.vcpus === inv.host.cpus && mem !== null && mem <= s.memoryGiB && mem >= s.memoryGiB * 0.85);
    return plan
      ? { item: `${inv.target.label} (${plan.name})`, monthlyUsd: plan.monthlyUsd, basis: `${inv.host.cpus} vCPU, ${mem?.toFixed(2)} GiB reported`, source: plan.source }
      : { item: inv.target.label, monthlyUsd: null, basis: `${inv.host.provider.name}, ${inv.host.cpus ?? '?'} vCPU, ${mem?.toFixed(2) ?? '?'} GiB: no matching plan in the table`, source: 'unknown' };
  });
}

export function mapCost(ctx: MappingContext, inventories: Inventory[], resources: Resources, region: string, budget: number | null): Cost {
  const lines = targetLines(resources, region);
  const known = Math.round(lines.reduce((n, l) => n + (l.monthlyUsd ?? 0), 0) * 100) / 100;
  const unknown = [
    ...lines.filter((l) => l.monthlyUsd === null).map((l) => l.item),
    'Load balancer capacity units (LCU) and data transfer out: depend on traffic',
    'Instance root volumes (EBS): sized by the platform AMI',
    ...(resources.buckets.some((b) => b.cloudfront) ? ['CloudFront requests and transfer'] : []),
    ...(resources.schedules.some((j) => j.mapping === 'eventbridge') ? ['EventBridge API destination invocations (per million)'] : []),
  ];
  const sourceBoxes = sourceLines(inventories);
  const sourceTotal = sourceBoxes.every((l) => l.monthlyUsd !== null) ? sourceBoxes.reduce((n, l) => n + (l.monthlyUsd ?? 0), 0) : null;
  const warnings: string[] = [];
  if (region !== PRICED_REGION) warnings.push(`The bundled price table covers ${PRICED_REGION} only: prices for ${region} are unknown here.`);
  if (budget !== null && known > budget) warnings.push(`The known part of the estimate ($${known.toFixed(2)}/month) is over the budget of $${budget.toFixed(2)}/month: smaller instance classes, single-AZ or Valkey lower it.`);
  ctx.decide({
    id: 'cost.estimate',
    area: 'cost',
    title: 'Monthly cost estimate',
    value: `$${known.toFixed(2)}/month known${unknown.length > 0 ? ' + unknown items' : ''}${sourceTotal !== null ? ` (source: $${sourceTotal.toFixed(2)}/month)` : ''}`,
    reason: `On-demand prices from the table dated ${PRICE_DATE}; ${HOURS_PER_MONTH} hours a month. Savings Plans and reserved instances lower it.`,
    warnings,
    answerKey: budget !== null ? 'budget.monthlyUsd' : null,
  });
  return { priceDate: PRICE_DATE, region, lines, knownMonthlyUsd: known, unknown, sourceBoxes, budgetMonthlyUsd: budget };
}
