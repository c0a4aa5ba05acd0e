/**
 * Prepare: checks that fail before anything is created, IAM roles, DNS groundwork (zone import
 * and delegation, TTL lowering an old-TTL ahead), the ACM certificate, and buckets.
 */

import { tags } from '../mapping/names.js';
import type { Bucket, TargetDesign } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import { type Json, NOTHING_TO_UNDO, type PlanBuilder, aws, manual, outputName, undoWith, verify, waitFor } from './builder.js';
import { zoneOf } from '../mapping/dns.js';
import { dnsProviderName } from './dns-text.js';

type Design = TargetDesign;

function preflight(b: PlanBuilder, d: Design): void {
  const { migration, resources: r } = d;
  const actions: Action[] = [aws('sts', 'GetCallerIdentity', {}, { Account: 'Account' })];
  const checks: Action[] = [verify('account', { account: { $ref: 'prepare-preflight.Account' } }, { equals: migration.accountId ?? 'the account the runner was started with' })];
  for (const env of r.environments.filter((e) => !e.existing)) {
    const out = outputName('CnameAvailable', env.id);
    actions.push(aws('elasticbeanstalk', 'CheckDNSAvailability', { CNAMEPrefix: env.cnamePrefix }, { [out]: 'Available' }));
    checks.push(verify('output', { value: { $ref: `prepare-preflight.${out}` } }, { equals: true }));
  }
  for (const env of r.environments.filter((e) => e.existing)) {
    const name = env.existing?.name ?? env.environmentName;
    const app = outputName('Application', env.id);
    actions.push(aws('elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [name] }, { [app]: 'Environments[0].ApplicationName', [outputName('Version', env.id)]: 'Environments[0].VersionLabel' }));
    actions.push(aws('elasticbeanstalk', 'DescribeConfigurationSettings', { ApplicationName: { $ref: `prepare-preflight.${app}` }, EnvironmentName: name }, { [outputName('Settings', env.id)]: 'ConfigurationSettings[0].OptionSettings' }));
    checks.push(verify('output', { value: { $ref: `prepare-preflight.${outputName('Settings', env.id)}` } }, { contains: { Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'LoadBalancerType', Value: env.loadBalancer } }));
  }
  for (const bucket of r.buckets) {
    actions.push(aws('s3', 'HeadBucket', { Bucket: bucket.name }, { [outputName('BucketStatus', bucket.id)]: '"$metadata".httpStatusCode' }));
    checks.push(verify('output', { value: { $ref: `prepare-preflight.${outputName('BucketStatus', bucket.id)}` } }, { equals: 404, why: 'the name must be free (S3 bucket names are global)' }));
  }
  const boxes = [...new Set(r.databases.map((db) => db.source.label))];
  for (const label of boxes) {
    actions.push({ kind: 'remote', host: label, command: 'curl -fsS https://checkip.amazonaws.com', sudo: false, outputs: { [outputName('BoxIp', label)]: 'stdout' } });
  }
  if (r.dns.mode === 'route53-records') {
    for (const zone of r.dns.zones) {
      if (r.dns.hostedZoneId && zone === r.dns.zones[0]) continue;
      actions.push(aws('route53', 'ListHostedZonesByName', { DNSName: zone, MaxItems: '1' }, { [outputName('Zone', zone)]: 'HostedZones[0].Id' }));
    }
  }
  b.add(() => ({
    id: 'prepare-preflight',
    phase: 'prepare',
    title: 'Check the account, names and the box',
    why: 'Fail before creating anything: the wrong account, a taken environment name or bucket, an existing environment that is not what the plan assumes.',
    preconditions: ['AWS credentials for the target account are available to the runner.', 'The box is reachable over SSH.'],
    actions,
    verify: checks,
    undo: NOTHING_TO_UNDO('Read-only checks.'),
    minutes: [1, 2],
  }));
  b.provide('account', 'prepare-preflight', 'Account', migration.accountId ?? undefined);
  for (const label of boxes) b.provide(`box:${label}.ip`, 'prepare-preflight', outputName('BoxIp', label));
  for (const env of r.environments.filter((e) => e.existing)) {
    b.provide(`existing:${env.id}.application`, 'prepare-preflight', outputName('Application', env.id));
    b.provide(`existing:${env.id}.version`, 'prepare-preflight', outputName('Version', env.id));
    b.provide(`existing:${env.id}.settings`, 'prepare-preflight', outputName('Settings', env.id));
  }
  if (r.dns.mode === 'route53-records') {
    r.dns.zones.forEach((zone, i) => {
      if (r.dns.hostedZoneId && i === 0) b.provide(`zone:${zone}.id`, 'prepare-preflight', '', r.dns.hostedZoneId);
      else b.provide(`zone:${zone}.id`, 'prepare-preflight', outputName('Zone', zone));
    });
  }
}

function trust(service: string, externalId?: string): string {
  const statement: Record<string, unknown> = { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' };
  if (externalId) statement.Condition = { StringEquals: { 'sts:ExternalId': externalId } };
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
}

function iamStep(b: PlanBuilder, d: Design): void {
  const iam = d.resources.iam;
  const t = tags(d.migration.name);
  const statements = iam.instanceStatements.map((s) => ({ Sid: s.sid, Effect: 'Allow', Action: s.actions, Resource: s.resources.map((r) => (typeof r === 'string' ? r : `${r.resource}:${r.attribute}`)) }));
  const actions: Action[] = [
    aws('iam', 'CreateRole', { RoleName: iam.instanceRole, AssumeRolePolicyDocument: trust('ec2.amazonaws.com'), Tags: t }),
    ...iam.instanceManagedPolicies.map((arn) => aws('iam', 'AttachRolePolicy', { RoleName: iam.instanceRole, PolicyArn: arn })),
    ...(statements.length > 0 ? [aws('iam', 'PutRolePolicy', { RoleName: iam.instanceRole, PolicyName: 'skylift-app', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) })] : []),
    aws('iam', 'CreateInstanceProfile', { InstanceProfileName: iam.instanceProfile, Tags: t }),
    aws('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: iam.instanceProfile, RoleName: iam.instanceRole }),
    aws('iam', 'CreateRole', { RoleName: iam.serviceRole, AssumeRolePolicyDocument: trust('elasticbeanstalk.amazonaws.com', 'elasticbeanstalk'), Tags: t }),
    ...iam.serviceManagedPolicies.map((arn) => aws('iam', 'AttachRolePolicy', { RoleName: iam.serviceRole, PolicyArn: arn })),
  ];
  b.add(() => ({
    id: 'prepare-iam',
    phase: 'prepare',
    title: 'Create the instance profile and the Elastic Beanstalk service role',
    why: 'Enhanced health and managed updates need a service role; instances need a profile that reads this migration\'s parameters and buckets and allows Session Manager.',
    dependsOn: ['prepare-preflight'],
    actions,
    verify: [aws('iam', 'GetInstanceProfile', { InstanceProfileName: iam.instanceProfile }, {})],
    undo: undoWith('Delete the roles and the instance profile (after the environments that use them are terminated).', [
      aws('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: iam.instanceProfile, RoleName: iam.instanceRole }),
      aws('iam', 'DeleteInstanceProfile', { InstanceProfileName: iam.instanceProfile }),
      ...(statements.length > 0 ? [aws('iam', 'DeleteRolePolicy', { RoleName: iam.instanceRole, PolicyName: 'skylift-app' })] : []),
      ...iam.instanceManagedPolicies.map((arn) => aws('iam', 'DetachRolePolicy', { RoleName: iam.instanceRole, PolicyArn: arn })),
      aws('iam', 'DeleteRole', { RoleName: iam.instanceRole }),
      ...iam.serviceManagedPolicies.map((arn) => aws('iam', 'DetachRolePolicy', { RoleName: iam.serviceRole, PolicyArn: arn })),
      aws('iam', 'DeleteRole', { RoleName: iam.serviceRole }),
    ]),
    minutes: [1, 2],
  }));
  b.provide('iam.serviceRole', 'prepare-iam', '', iam.serviceRole);
  b.provide('iam.instanceProfile', 'prepare-iam', '', iam.instanceProfile);
}

function importZone(b: PlanBuilder, d: Design): void {
  const dns = d.resources.dns;
  const provider = dnsProviderName(dns.provider);
  b.add(() => ({
    id: 'prepare-hosted-zone',
    phase: 'prepare',
    title: `Create the Route 53 zone(s) and import every record from ${provider}`,
    why: 'Route 53 can alias the zone apex to the environment and switch records by API; importing every record first (MX and TXT included) means delegation changes nothing for mail or verification records.',
    dependsOn: ['prepare-preflight'],
    actions: dns.zones.flatMap((zone): Action[] => [
      aws('route53', 'CreateHostedZone', { Name: zone, CallerReference: `skylift-${d.migration.name}-${zone}`, HostedZoneConfig: { Comment: `skylift ${d.migration.name}` } }, { [outputName('Zone', zone)]: 'HostedZone.Id', [outputName('NameServers', zone)]: 'DelegationSet.NameServers' }),
      manual(`Export the zone ${zone} from ${provider} as a BIND zone file (every record) and save it as ${zoneFile(zone)} next to plan.json.`),
      {
        kind: 'data-copy',
        engine: 'dns-zone',
        method: 'zone-file',
        source: { provider: dns.provider, zone, file: zoneFile(zone), lowerTtl: { names: dns.records.filter((r) => zoneOf(r.name) === zone).map((r) => r.name), ttl: dns.loweredTtlSeconds } },
        target: { hostedZoneId: { $ref: `prepare-hosted-zone.${outputName('Zone', zone)}` } },
        notes: [`Export the zone from ${provider} (every record: A, AAAA, CNAME, MX, TXT, SRV, CAA) and recreate each in Route 53 unchanged, except that ${dns.records.filter((r) => zoneOf(r.name) === zone).map((r) => r.name).join(', ')} get a TTL of ${dns.loweredTtlSeconds} s ahead of the switch. NS and SOA records of the zone itself are Route 53's own.`],
      },
    ]),
    verify: dns.zones.map((zone) => verify('dns', { zone, compare: { from: provider, to: { $ref: `prepare-hosted-zone.${outputName('NameServers', zone)}` } } }, { sameAnswers: 'every record name and type' })),
    undo: undoWith('Delete the imported records and the Route 53 zone (harmless before delegation).', dns.zones.map((zone) => aws('route53', 'DeleteHostedZone', { Id: { $ref: `prepare-hosted-zone.${outputName('Zone', zone)}` } }))),
    minutes: [15, 60],
  }));
  for (const zone of dns.zones) b.provide(`zone:${zone}.id`, 'prepare-hosted-zone', outputName('Zone', zone));
  b.add(() => ({
    id: 'prepare-delegate-ns',
    phase: 'prepare',
    title: 'Delegate the zone to Route 53 at the registrar',
    why: 'Until the registrar lists Route 53\'s name servers, record changes in Route 53 are not seen. Traffic does not move: the imported records point where the old ones did.',
    dependsOn: ['prepare-hosted-zone'],
    actions: [
      ...dns.zones.map((zone) => manual(`At the registrar of ${zone}, replace its name servers with the four Route 53 name servers listed in prepare-hosted-zone.${outputName('NameServers', zone)}. Keep the zone at ${provider} untouched until the decommission step.`)),
      waitFor('resolvers to drop the old delegation (the parent zone\'s NS TTL, 2 days for .com)', null, 172800),
    ],
    verify: dns.zones.map((zone) => verify('dns', { name: zone, type: 'NS', resolver: 'public' }, { equals: { $ref: `prepare-hosted-zone.${outputName('NameServers', zone)}` } })),
    undo: undoWith('Put the previous name servers back at the registrar.', dns.zones.map((zone) => manual(`At the registrar of ${zone}, restore the name servers of ${provider}.`)), dns.zones.map((zone) => verify('dns', { name: zone, type: 'NS', resolver: 'public' }, { provider }))),
    manual: true,
    minutes: [10, 2890],
  }));
}

/** Where the person saves the old provider's export, relative to plan.json. */
const zoneFile = (zone: string): string => `dns/${zone}.zone`;

function lowerTtl(b: PlanBuilder, d: Design): void {
  const dns = d.resources.dns;
  const names = dns.records.map((r) => r.name);
  const route53 = dns.mode === 'route53-records';
  const change = (ttl: number) =>
    dns.zones.map((zone): Action => ({
      kind: 'dns',
      hostedZoneId: b.use(`zone:${zone}.id`),
      changes: dns.records.filter((r) => zoneOf(r.name) === zone).map((r) => ({ action: 'UPSERT' as const, name: r.name, type: null, ttl, values: null, alias: null })),
      certificateValidation: null,
    }));
  b.add(() => ({
    id: 'prepare-lower-ttl',
    phase: 'prepare',
    title: `Lower the TTL of ${names.join(', ')} to ${dns.loweredTtlSeconds} s`,
    why: `Resolvers cache the current answers for up to ${dns.currentTtlSeconds} s; lowering the TTL an old-TTL ahead makes the switch (and a switch back) take effect within ${dns.loweredTtlSeconds} s.`,
    dependsOn: ['prepare-preflight'],
    actions: route53 ? change(dns.loweredTtlSeconds) : [manual(`At ${dnsProviderName(dns.provider)}, set the TTL of ${names.join(', ')} to ${dns.loweredTtlSeconds} seconds, keeping their values.`)],
    verify: names.map((name) => verify('dns', { name, resolver: 'authoritative' }, { maxTtl: dns.loweredTtlSeconds })),
    undo: undoWith(`Restore the TTL of ${names.join(', ')} to ${dns.currentTtlSeconds} s.`, route53 ? change(dns.currentTtlSeconds) : [manual(`At ${dnsProviderName(dns.provider)}, set the TTL of ${names.join(', ')} back to ${dns.currentTtlSeconds} seconds.`)]),
    minutes: [1, 10],
  }));
  b.add(() => ({
    id: 'prepare-wait-ttl',
    phase: 'prepare',
    title: `Wait one old TTL (${dns.currentTtlSeconds} s)`,
    why: 'Answers cached with the old TTL must expire before the switch, or some clients keep reaching the box for up to that long.',
    dependsOn: ['prepare-lower-ttl'],
    actions: [waitFor(`cached answers with the old ${dns.currentTtlSeconds} s TTL to expire`, null, dns.currentTtlSeconds)],
    undo: NOTHING_TO_UNDO('Waiting changes nothing.'),
    minutes: [Math.ceil(dns.currentTtlSeconds / 60), Math.ceil(dns.currentTtlSeconds / 60)],
  }));
}

function certificate(b: PlanBuilder, d: Design): void {
  const dns = d.resources.dns;
  const [first, ...rest] = dns.certificateNames;
  if (!first) return;
  const arn: Json = { $ref: 'prepare-certificate.CertificateArn' };
  const inRoute53 = dns.mode === 'route53-records' || dns.mode === 'import-zone';
  const validation = (): Action[] =>
    inRoute53
      ? dns.zones.map((zone) => ({ kind: 'dns', hostedZoneId: b.use(`zone:${zone}.id`), changes: [], certificateValidation: arn }))
      : [
          aws('acm', 'DescribeCertificate', { CertificateArn: arn }, { ValidationRecords: 'Certificate.DomainValidationOptions[].ResourceRecord' }),
          manual(`At ${dnsProviderName(dns.provider)}, create the CNAME records listed in prepare-certificate.ValidationRecords (one per name). Leave them in place: ACM uses them to renew.`),
        ];
  b.add(() => ({
    id: 'prepare-certificate',
    phase: 'prepare',
    title: `Request an ACM certificate for ${dns.certificateNames.join(', ')}`,
    why: 'The load balancer terminates TLS with an ACM certificate; the box\'s Let\'s Encrypt certificates stay behind. DNS validation lets ACM renew it unattended.',
    dependsOn: dns.mode === 'import-zone' ? ['prepare-delegate-ns'] : ['prepare-preflight'],
    actions: [
      aws('acm', 'RequestCertificate', { DomainName: first, ...(rest.length > 0 ? { SubjectAlternativeNames: rest } : {}), ValidationMethod: 'DNS', Tags: tags(d.migration.name) }, { CertificateArn: 'CertificateArn' }),
      ...validation(),
      waitFor('the certificate to be issued', { service: 'acm', name: 'CertificateValidated', params: { CertificateArn: arn } }),
    ],
    verify: [verify('acm-issued', { certificateArn: arn }, { status: 'ISSUED', names: dns.certificateNames })],
    undo: undoWith('Delete the certificate (after the load balancer that uses it is gone). Validation records may stay: they validate nothing else.', [aws('acm', 'DeleteCertificate', { CertificateArn: arn })]),
    manual: !inRoute53,
    minutes: [5, inRoute53 ? 45 : 240],
  }));
  b.provide('certificate.arn', 'prepare-certificate', 'CertificateArn');
}

/** The distribution's config: sent to create it, and again (disabled) to take it down. */
function distributionConfig(bucket: Bucket, region: string, enabled: boolean): Json {
  return {
    CallerReference: bucket.name,
    Comment: `skylift ${bucket.id}`,
    Enabled: enabled,
    Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: `${bucket.name}.s3.${region}.amazonaws.com`, OriginAccessControlId: { $ref: `prepare-bucket-${bucket.id}.OacId` }, S3OriginConfig: { OriginAccessIdentity: '' } }] },
    // Managed-CachingOptimized cache policy.
    DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
  };
}

const deployed = (id: string): Action => waitFor('the distribution to deploy', { service: 'cloudfront', name: 'DistributionDeployed', params: { Id: { $ref: `${id}.DistributionId` } } });

function cdnActions(bucket: Bucket, d: Design): Action[] {
  const region = d.migration.region;
  const id = `prepare-bucket-${bucket.id}`;
  const arn = { $ref: `${id}.DistributionArn` };
  return [
    aws('cloudfront', 'CreateOriginAccessControl', { OriginAccessControlConfig: { Name: bucket.name, OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } }, { OacId: 'OriginAccessControl.Id' }),
    // Only this form of the call takes tags (cleanup finds the distribution by them).
    aws('cloudfront', 'CreateDistributionWithTags', { DistributionConfigWithTags: { DistributionConfig: distributionConfig(bucket, region, true), Tags: { Items: tags(d.migration.name) } } }, { DistributionId: 'Distribution.Id', DistributionArn: 'Distribution.ARN', DomainName: 'Distribution.DomainName' }),
    aws('s3', 'PutBucketPolicy', {
      Bucket: bucket.name,
      Policy: { $join: [`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::${bucket.name}/*","Condition":{"StringEquals":{"AWS:SourceArn":"`, arn, '"}}}]}'] },
    }),
    deployed(id),
  ];
}

/** CloudFront deletes only a disabled, deployed distribution, and each change names the ETag it replaces. */
function cdnUndo(bucket: Bucket, region: string): Action[] {
  const id = `prepare-bucket-${bucket.id}`;
  const distribution = { $ref: `${id}.DistributionId` };
  return [
    aws('cloudfront', 'GetDistribution', { Id: distribution }, { EnabledETag: 'ETag' }),
    aws('cloudfront', 'UpdateDistribution', { Id: distribution, IfMatch: { $ref: `${id}.EnabledETag` }, DistributionConfig: distributionConfig(bucket, region, false) }, { DisabledETag: 'ETag' }),
    deployed(id),
    aws('cloudfront', 'DeleteDistribution', { Id: distribution, IfMatch: { $ref: `${id}.DisabledETag` } }),
    aws('cloudfront', 'GetOriginAccessControl', { Id: { $ref: `${id}.OacId` } }, { OacETag: 'ETag' }),
    aws('cloudfront', 'DeleteOriginAccessControl', { Id: { $ref: `${id}.OacId` }, IfMatch: { $ref: `${id}.OacETag` } }),
  ];
}

function buckets(b: PlanBuilder, d: Design): void {
  for (const bucket of d.resources.buckets) {
    const id = `prepare-bucket-${bucket.id}`;
    b.add(() => ({
      id,
      phase: 'prepare',
      title: `Create S3 bucket ${bucket.name}${bucket.cloudfront ? ' behind CloudFront' : ''}`,
      why: bucket.purpose === 'uploads' ? 'Uploaded files must outlive instances and be shared by all of them.' : 'Static files outside the app bundle are served from S3 through CloudFront.',
      dependsOn: ['prepare-preflight'],
      actions: [
        aws('s3', 'CreateBucket', { Bucket: bucket.name, ...(d.migration.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: d.migration.region } }) }),
        aws('s3', 'PutPublicAccessBlock', { Bucket: bucket.name, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
        aws('s3', 'PutBucketVersioning', { Bucket: bucket.name, VersioningConfiguration: { Status: 'Enabled' } }),
        // A copy killed mid-upload leaves parts S3 bills for but never shows; overwritten and deleted files are kept 30 days, then go.
        aws('s3', 'PutBucketLifecycleConfiguration', {
          Bucket: bucket.name,
          LifecycleConfiguration: {
            Rules: [
              { ID: 'abort-incomplete-uploads', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
              { ID: 'expire-old-versions', Status: 'Enabled', Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
            ],
          },
        }),
        aws('s3', 'PutBucketTagging', { Bucket: bucket.name, Tagging: { TagSet: tags(d.migration.name) } }),
        ...(bucket.cloudfront ? cdnActions(bucket, d) : []),
      ],
      verify: [aws('s3', 'HeadBucket', { Bucket: bucket.name })],
      undo: undoWith(`Empty (every object version) and delete ${bucket.name}${bucket.cloudfront ? ', after disabling and deleting its distribution' : ''}.`, [
        ...(bucket.cloudfront ? cdnUndo(bucket, d.migration.region) : []),
        aws('s3', 'DeleteBucket', { Bucket: bucket.name }),
      ]),
      minutes: bucket.cloudfront ? [5, 20] : [1, 2],
    }));
  }
}

export function prepareSteps(b: PlanBuilder, d: Design): void {
  preflight(b, d);
  if (d.resources.environments.some((e) => !e.existing || e.worker)) iamStep(b, d);
  const dns = d.resources.dns;
  if (dns.mode === 'import-zone') importZone(b, d);
  if (dns.mode === 'route53-records' || dns.mode === 'manual-record') lowerTtl(b, d);
  if (dns.mode !== 'none') certificate(b, d);
  buckets(b, d);
}
