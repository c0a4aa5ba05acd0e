/**
 * Switch DNS (the point of no return: from here writes land on AWS and going back means copying
 * data back), enable moved schedules, watch, close the copy path, and decommission by hand.
 */

import { zoneOf } from '../mapping/dns.js';
import type { TargetDesign } from '../schema/design.js';
import type { Action, DnsChange } from '../schema/plan.js';
import { NOTHING_TO_UNDO, type PlanBuilder, aws, manual, outputName, undoWith, verify, waitFor } from './builder.js';
import { dbCopyBack, filesCopyBack } from './data-copy.js';
import { dnsProviderName } from './dns-text.js';
import { versionLabel } from './steps-deploy.js';
import { rdsPublic } from './steps-network.js';

type Design = TargetDesign;

function switchActions(b: PlanBuilder, d: Design): Action[] {
  const dns = d.resources.dns;
  if (dns.mode === 'manual-record') {
    return dns.records.map((r) => manual(`At ${dnsProviderName(dns.provider)}, replace the records of ${r.name} with ${r.apex ? 'an ALIAS/ANAME (or the redirect you chose)' : 'a CNAME'} to the environment name in provision-eb-${r.environment}.Cname, TTL ${dns.loweredTtlSeconds} s.`));
  }
  return dns.zones.map((zone): Action => ({
    kind: 'dns',
    hostedZoneId: b.use(`zone:${zone}.id`),
    changes: dns.records
      .filter((r) => zoneOf(r.name) === zone)
      .flatMap((r): DnsChange[] =>
        r.apex
          ? [
              { action: 'DELETE', name: r.name, type: 'AAAA', ttl: null, values: null, alias: null },
              { action: 'UPSERT', name: r.name, type: 'A', ttl: null, values: null, alias: { hostedZoneId: b.use(`eb:${r.environment}.aliasZone`), dnsName: b.use(`eb:${r.environment}.aliasDns`) } },
            ]
          : [
              { action: 'DELETE', name: r.name, type: null, ttl: null, values: null, alias: null },
              { action: 'UPSERT', name: r.name, type: 'CNAME', ttl: dns.loweredTtlSeconds, values: [b.use(`eb:${r.environment}.cname`)], alias: null },
            ],
      ),
    certificateValidation: null,
  }));
}

function switchBack(b: PlanBuilder, d: Design): Action[] {
  const dns = d.resources.dns;
  const envs = d.resources.environments;
  // Writes must stop on AWS before the copy back: every ALB listener answers 503 until the environment is terminated.
  const stopAws = envs.flatMap((e): Action[] =>
    e.loadBalancer === 'application'
      ? [
          aws('elasticbeanstalk', 'DescribeEnvironmentResources', { EnvironmentName: e.environmentName }, { [outputName('Lb', e.id)]: 'EnvironmentResources.LoadBalancers[0].Name' }),
          aws('elbv2', 'DescribeListeners', { LoadBalancerArn: { $ref: `switch-dns.${outputName('Lb', e.id)}` } }, { [outputName('Listeners', e.id)]: 'Listeners[].ListenerArn' }),
          aws('elbv2', 'ModifyListener', { ListenerArn: { $each: { $ref: `switch-dns.${outputName('Listeners', e.id)}` } }, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'Down for maintenance' } }] }),
        ]
      : [manual(`Stop ${e.appName} on ${e.environmentName} (its classic load balancer cannot answer 503 by itself): e.g. deploy a version whose Procfile serves a maintenance page.`)],
  );
  const back: Action[] =
    dns.records.length === 0
      ? [manual('Tell clients to use the box again.')]
      : dns.mode === 'manual-record'
      ? dns.records.map((r) => manual(`At ${dnsProviderName(dns.provider)}, put back the records ${r.name} had before the switch (journaled by the runner).`))
      : dns.zones.map((zone) => ({
          kind: 'dns',
          hostedZoneId: b.use(`zone:${zone}.id`),
          changes: dns.records.filter((r) => zoneOf(r.name) === zone).flatMap((r): DnsChange[] => [
            { action: 'DELETE', name: r.name, type: r.apex ? 'A' : 'CNAME', ttl: null, values: null, alias: null },
            { action: 'UPSERT', name: r.name, type: null, ttl: dns.loweredTtlSeconds, values: null, alias: null },
          ]),
          certificateValidation: null,
        }));
  return [
    ...stopAws,
    ...d.resources.databases.map((db) => dbCopyBack(b, db)),
    ...[...d.resources.buckets.filter((x) => x.purpose === 'uploads'), ...d.resources.fileSystems].flatMap((s) => filesCopyBack(b, s)),
    ...back,
  ];
}

function switchDns(b: PlanBuilder, d: Design): void {
  const dns = d.resources.dns;
  const names = dns.records.map((r) => r.name);
  const waitedFor = ['prepare-wait-ttl', 'prepare-delegate-ns', 'prepare-certificate'].filter((id) => b.has(id));
  b.add(() => ({
    id: 'switch-dns',
    phase: 'switch-dns',
    title: names.length > 0 ? `Point ${names.join(', ')} at AWS` : 'Start serving from AWS (no domain: clients move to the environment names)',
    why: 'Clients follow DNS to the new load balancer within the lowered TTL. From this moment writes land on AWS: going back means copying them back to the box.',
    dependsOn: [...b.inPhase('final-sync'), ...waitedFor, 'freeze-writes'],
    preconditions: ['Every final-sync step verified equal counts.', 'The certificate is issued.'],
    actions: names.length > 0 ? switchActions(b, d) : [manual('Tell clients to use the environment names (provision-eb-*.Cname).')],
    verify: dns.records.map((r) => verify('dns', { name: r.name, resolver: 'public' }, { resolvesTo: b.use(`eb:${r.environment}.aliasDns`) })),
    undo: undoWith('Stop the AWS app, copy the data written on AWS back to the box, and point DNS back at the box (the freeze undo then restarts the app there).', switchBack(b, d), [
      ...dns.records.map((r) => verify('dns', { name: r.name, resolver: 'public' }, { resolvesTo: 'the values journaled before the switch' })),
      ...d.resources.databases.map((db) => verify('row-counts', { source: b.use(`rds:${db.id}.endpoint`), target: { host: db.source.label, port: db.source.port }, databases: db.source.databases }, { rows: 'equal' })),
    ]),
    pointOfNoReturn: true,
    manual: dns.mode === 'manual-record',
    minutes: [1, 5],
    inDowntime: true,
  }));
}

function switchSchedules(b: PlanBuilder, d: Design): void {
  for (const env of d.resources.environments) {
    const rules = b.optional(`schedules:${env.id}.rules`);
    const ruleNames = Array.isArray(rules) ? (rules as string[]) : [];
    if (!env.worker && ruleNames.length === 0) continue;
    b.add(() => ({
      id: `switch-schedules-${env.id}`,
      phase: 'switch-dns',
      title: `Start ${env.appName}'s scheduled jobs on AWS`,
      why: 'Only now, with the box frozen and DNS on AWS, can the jobs run on AWS without running twice.',
      dependsOn: ['switch-dns', ...(env.worker ? [`provision-worker-${env.id}`] : []), ...(ruleNames.length > 0 ? [`provision-schedules-${env.id}`] : [])],
      actions: [
        ...ruleNames.map((name) => aws('events', 'EnableRule', { Name: name })),
        ...(env.worker ? [aws('elasticbeanstalk', 'UpdateEnvironment', { EnvironmentName: env.worker.environmentName, VersionLabel: b.use(`deploy:${env.id}.version`) }), waitFor('the worker deployment', { service: 'elasticbeanstalk', name: 'EnvironmentUpdated', params: { EnvironmentNames: [env.worker.environmentName] } })] : []),
      ],
      verify: env.worker ? [verify('eb-health', { environment: env.worker.environmentName }, { HealthStatus: ['Ok'], VersionLabel: versionLabel(env) })] : [],
      undo: undoWith('Stop the jobs on AWS (the box\'s crontab lines come back with the freeze undo).', [
        ...ruleNames.map((name) => aws('events', 'DisableRule', { Name: name })),
        ...(env.worker ? [aws('elasticbeanstalk', 'TerminateEnvironment', { EnvironmentName: env.worker.environmentName, TerminateResources: true })] : []),
      ]),
      minutes: [1, 10],
    }));
  }
}

function watchSteps(b: PlanBuilder, d: Design): void {
  const dbs = d.resources.databases;
  const temporary = d.resources.network.securityGroups.flatMap((g) => g.ingress.filter((i) => i.temporary).map((i) => ({ g, i })));
  // Only a path that made RDS public or opened it to the box's address has something to close here (the relay closes in its own step).
  const publicDbs = rdsPublic(d) ? dbs : [];
  if (publicDbs.length > 0 || temporary.length > 0) {
    const sgRules = () => temporary.map(({ g, i }) => ({ GroupId: b.use(`sg:${g.id}.id`), IpPermissions: [{ IpProtocol: 'tcp', FromPort: i.port, ToPort: i.port, IpRanges: [{ CidrIp: { $join: ['boxOf' in i.from ? b.use(`box:${i.from.boxOf}.ip`) : '', '/32'] } }] }] }));
    b.add(() => ({
      id: 'watch-close-copy-path',
      phase: 'watch',
      title: 'Close the copy path: the box can no longer reach RDS',
      why: 'RDS was reachable from the box\'s address only for the copy; after the switch nothing outside the VPC needs it.',
      dependsOn: ['switch-dns'],
      actions: [
        ...sgRules().map((p) => aws('ec2', 'RevokeSecurityGroupIngress', p)),
        ...publicDbs.flatMap((db) => [
          aws('rds', 'ModifyDBInstance', { DBInstanceIdentifier: db.identifier, PubliclyAccessible: false, ApplyImmediately: true }),
          // The change applies while the instance is modifying: read it back once it is available again.
          waitFor(`${db.identifier} to apply the change`, { service: 'rds', name: 'DBInstanceAvailable', params: { DBInstanceIdentifier: db.identifier } }),
          aws('rds', 'DescribeDBInstances', { DBInstanceIdentifier: db.identifier }, { [outputName('Public', db.id)]: 'DBInstances[0].PubliclyAccessible' }),
        ]),
      ],
      verify: publicDbs.map((db) => verify('output', { value: { $ref: `watch-close-copy-path.${outputName('Public', db.id)}` } }, { equals: false })),
      undo: undoWith('Reopen the copy path (needed to copy data back to the box).', [...publicDbs.map((db) => aws('rds', 'ModifyDBInstance', { DBInstanceIdentifier: db.identifier, PubliclyAccessible: true, ApplyImmediately: true })), ...sgRules().map((p) => aws('ec2', 'AuthorizeSecurityGroupIngress', p))]),
      minutes: [1, 5],
    }));
  }
  const envs = d.resources.environments;
  b.add(() => ({
    id: 'watch-soak',
    phase: 'watch',
    title: 'Watch the new environment for a day',
    why: 'Errors that only real traffic shows (timeouts, memory, a forgotten job) surface in the first day, while the box is still a cheap way back.',
    dependsOn: ['switch-dns', ...b.inPhase('switch-dns')],
    actions: [waitFor('a day of real traffic: watch health, 5xx rates, latency and logs', null, 86400)],
    verify: [
      ...envs.map((e) => verify('eb-health', { environment: e.environmentName }, { HealthStatus: ['Ok'] })),
      ...d.resources.dns.records.map((r) => verify('dns', { name: r.name, resolver: 'public' }, { resolvesTo: b.use(`eb:${r.environment}.aliasDns`) })),
    ],
    undo: NOTHING_TO_UNDO('Watching changes nothing.'),
    manual: true,
    minutes: [1440, 1440],
  }));
  const cnames = d.resources.dns.records.filter((r) => !r.apex);
  if (cnames.length > 0 && d.resources.dns.mode !== 'none') {
    const dns = d.resources.dns;
    b.add(() => ({
      id: 'watch-restore-ttl',
      phase: 'watch',
      title: `Raise the TTL of ${cnames.map((r) => r.name).join(', ')} back to ${dns.currentTtlSeconds} s`,
      why: 'Short TTLs were for the switch; longer ones cut DNS queries and latency now the move is settled.',
      dependsOn: ['watch-soak'],
      actions:
        dns.mode === 'manual-record'
          ? [manual(`At ${dnsProviderName(dns.provider)}, set the TTL of ${cnames.map((r) => r.name).join(', ')} to ${dns.currentTtlSeconds} s.`)]
          : dns.zones.map((zone) => ({ kind: 'dns', hostedZoneId: b.use(`zone:${zone}.id`), changes: cnames.filter((r) => zoneOf(r.name) === zone).map((r) => ({ action: 'UPSERT', name: r.name, type: 'CNAME', ttl: dns.currentTtlSeconds, values: [b.use(`eb:${r.environment}.cname`)], alias: null })), certificateValidation: null })),
      undo: NOTHING_TO_UNDO('Only a TTL changes; lower it again before any later switch.'),
      minutes: [1, 5],
    }));
  }
}

function decommission(b: PlanBuilder, d: Design): void {
  const labels = [...new Set(d.migration.sources.map((s) => s.label))];
  for (const label of labels) {
    const provider = d.migration.sources.find((s) => s.label === label)?.provider ?? 'unknown';
    b.add(() => ({
      id: `decommission-${label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`,
      phase: 'decommission',
      title: `Decommission ${label}`,
      why: 'The box is the rollback target until it is gone: keep it stopped, not destroyed, until you are sure.',
      dependsOn: b.inPhase('watch'),
      preconditions: ['The watch step found no reason to go back.', 'Backups on AWS (RDS automated backups, S3 versioning) are in place.'],
      actions: [manual(`Take a final snapshot of ${label} at ${provider}, power it off and keep it for at least two weeks; then destroy it and cancel its backups.`)],
      undo: { kind: 'irreversible', reason: 'Once the box is destroyed, the only way back is the final snapshot: going back after this means rebuilding a box from it.' },
      pointOfNoReturn: true,
      manual: true,
      minutes: [10, 30],
    }));
  }
  if (d.resources.dns.mode === 'import-zone') {
    b.add(() => ({
      id: 'decommission-old-dns',
      phase: 'decommission',
      title: `Delete the old zone at ${dnsProviderName(d.resources.dns.provider)}`,
      why: 'After delegation it answers nobody; deleting it prevents someone editing records that no longer count.',
      dependsOn: b.inPhase('watch'),
      actions: [manual(`Delete ${d.resources.dns.zones.join(', ')} at ${dnsProviderName(d.resources.dns.provider)} (after exporting it once more for the record).`)],
      undo: undoWith('Recreate the zone from the export.', [manual(`Import the exported zone file back into ${dnsProviderName(d.resources.dns.provider)}.`)]),
      manual: true,
      minutes: [5, 15],
    }));
  }
}

export function cutoverSteps(b: PlanBuilder, d: Design): void {
  switchDns(b, d);
  switchSchedules(b, d);
  watchSteps(b, d);
  decommission(b, d);
}
