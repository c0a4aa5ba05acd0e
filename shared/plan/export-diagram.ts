/**
 * The architecture diagram for plan.md, in Mermaid: the source box(es) on the left, the AWS
 * target on the right, a dashed "moves to" edge for each thing that moves.
 */

import type { TargetDesign } from '../schema/design.js';

function id(...parts: string[]): string {
  return parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

function label(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

export function architectureDiagram(d: TargetDesign): string {
  const r = d.resources;
  const lines = ['flowchart LR'];
  const moves: string[] = [];
  d.migration.sources.forEach((s, i) => {
    lines.push(`  subgraph ${id('box', String(i))}[${label(`${s.label} (${s.provider})`)}]`);
    for (const env of r.environments.filter((e) => e.sources.some((x) => x.label === s.label))) {
      lines.push(`    ${id('src', env.id, String(i))}[${label(`${env.appName} (Node.js)`)}]`);
      moves.push(`  ${id('src', env.id, String(i))} -. moves to .-> ${id('eb', env.id)}`);
    }
    for (const db of r.databases.filter((x) => x.source.label === s.label)) {
      lines.push(`    ${id('srcdb', db.id)}[(${label(`${db.engine} ${db.sourceVersion ?? ''}`.trim())})]`);
      moves.push(`  ${id('srcdb', db.id)} -. ${db.copyMethod} .-> ${id('rds', db.id)}`);
    }
    for (const c of r.caches.filter((x) => x.source.label === s.label)) {
      lines.push(`    ${id('srccache', c.id)}[(${label(`${c.engine === 'memcached' ? 'memcached' : 'redis'} ${c.sourceVersion ?? ''}`.trim())})]`);
      moves.push(`  ${id('srccache', c.id)} -. ${c.dataMove} .-> ${id('cache', c.id)}`);
    }
    lines.push('  end');
  });
  lines.push(`  subgraph aws[${label(`AWS ${d.migration.region}`)}]`);
  if (r.dns.records.length > 0) lines.push(`    dns{{${label(`${r.dns.mode === 'manual-record' ? 'DNS' : 'Route 53'}: ${r.dns.records.map((x) => x.name).join(', ')}`)}}}`);
  for (const db of r.databases) lines.push(`    ${id('rds', db.id)}[(${label(`RDS ${db.engine} ${db.engineVersion} ${db.instanceClass}${db.multiAz ? ' Multi-AZ' : ''}`)})]`);
  for (const c of r.caches) lines.push(`    ${id('cache', c.id)}[(${label(`ElastiCache ${c.engine} ${c.engineVersion} ${c.nodeType}`)})]`);
  for (const b of r.buckets) lines.push(`    ${id('s3', b.id)}[(${label(`S3 ${b.name}${b.cloudfront ? ' + CloudFront' : ''}`)})]`);
  for (const f of r.fileSystems) lines.push(`    ${id('efs', f.id)}[(${label(`EFS ${f.name}`)})]`);
  for (const env of r.environments) {
    lines.push(`    ${id('lb', env.id)}[${label(`${env.loadBalancer === 'application' ? 'ALB' : 'Classic ELB'} (HTTPS${env.websocket ? ', WebSocket' : ''})`)}]`);
    lines.push(`    ${id('eb', env.id)}[${label(`EB ${env.environmentName}: ${env.instanceType} × ${env.minSize}–${env.maxSize}`)}]`);
    if (r.dns.records.some((x) => x.environment === env.id)) lines.push(`    dns --> ${id('lb', env.id)}`);
    lines.push(`    ${id('lb', env.id)} --> ${id('eb', env.id)}`);
    if (env.worker) {
      lines.push(`    ${id('worker', env.id)}[${label(`EB worker ${env.worker.environmentName} (cron.yaml)`)}]`);
    }
    // An app uses a data store when one of its connection settings is rewritten to it; a lone app uses them all.
    const uses = (resource: string) => r.environments.length === 1 || env.envVars.some((v) => v.value.kind === 'rewrite-endpoint' && v.value.resource === resource);
    for (const db of r.databases.filter((x) => uses(`rds:${x.id}`))) lines.push(`    ${id('eb', env.id)} --> ${id('rds', db.id)}`);
    for (const c of r.caches.filter((x) => uses(`cache:${x.id}`))) lines.push(`    ${id('eb', env.id)} --> ${id('cache', c.id)}`);
    for (const b of r.buckets.filter((x) => x.environment === env.id)) lines.push(`    ${id('eb', env.id)} --> ${id('s3', b.id)}`);
    for (const f of r.fileSystems.filter((x) => x.environment === env.id)) lines.push(`    ${id('eb', env.id)} --> ${id('efs', f.id)}`);
  }
  lines.push('  end');
  return [...lines, ...moves].join('\n');
}
