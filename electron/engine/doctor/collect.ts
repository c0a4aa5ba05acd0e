import { DescribeApplicationVersionsCommand, DescribeConfigurationSettingsCommand, DescribeEnvironmentResourcesCommand, DescribeEnvironmentsCommand } from '@aws-sdk/client-elastic-beanstalk';
import { DescribeLoadBalancerAttributesCommand, DescribeLoadBalancerPoliciesCommand, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand as DescribeAlbAttributesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { optionOf, type BundleFacts, type DoctorFacts, type LoadBalancerFacts, type OptionValue } from '../../../shared/doctor/facts.js';
import { PLATFORM_NGINX } from '../../../shared/doctor/nginx.js';
import type { AwsClients } from '../aws/clients.js';
import { DoctorError } from './errors.js';
import { downloadObject, unzip } from './bundle.js';
import { handshake, type Connector } from './handshake.js';

export interface CollectOptions {
  environment: string;
  /** More URLs than the environment's own (domains pointing at it). */
  urls: string[];
  echoEvent: string | null;
  connect: Connector;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const APP_ENV = 'aws:elasticbeanstalk:application:environment';
/** Environment properties are secrets until shown otherwise: only their names are kept, and PORT. */
const keptValue = (o: OptionValue) => (o.namespace !== APP_ENV || o.name === 'PORT' ? o.value : '');

async function environmentOf(clients: AwsClients, name: string) {
  const got = await clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [name], IncludeDeleted: false }));
  const env = got.Environments?.find((e) => e.Status !== 'Terminated');
  if (!env) throw new DoctorError('NO_ENVIRONMENT', `there is no running Elastic Beanstalk environment named ${name} in ${clients.region}`, 'check the name and --region (eb list, or the console)');
  return env;
}

async function classicFacts(clients: AwsClients, name: string, options: Pick<DoctorFacts, 'options'>): Promise<LoadBalancerFacts> {
  const lb = (await clients.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [name] }))).LoadBalancerDescriptions?.[0];
  const policies = (await clients.elb.send(new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName: name }))).PolicyDescriptions ?? [];
  const attributes = (await clients.elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: name }))).LoadBalancerAttributes;
  const typeOf = (policy: string) => policies.find((p) => p.PolicyName === policy)?.PolicyTypeName ?? 'unknown';
  return {
    kind: 'classic',
    name,
    listeners: (lb?.ListenerDescriptions ?? []).map(({ Listener: l }) => ({
      port: l!.LoadBalancerPort!,
      protocol: l!.Protocol!.toUpperCase(),
      instancePort: l!.InstancePort!,
      instanceProtocol: (l!.InstanceProtocol ?? l!.Protocol!).toUpperCase(),
      certificate: l!.SSLCertificateId ?? null,
    })),
    idleTimeoutSeconds: attributes?.ConnectionSettings?.IdleTimeout ?? null,
    stickiness: optionOf(options, 'aws:elb:policies', 'Stickiness Policy') === 'true',
    backendPolicies: (lb?.BackendServerDescriptions ?? []).map((b) => ({ instancePort: b.InstancePort!, policies: (b.PolicyNames ?? []).map((n) => ({ name: n, type: typeOf(n) })) })),
  };
}

async function albFacts(clients: AwsClients, arn: string): Promise<LoadBalancerFacts> {
  const listeners = (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: arn }))).Listeners ?? [];
  const attributes = (await clients.elbv2.send(new DescribeAlbAttributesCommand({ LoadBalancerArn: arn }))).Attributes ?? [];
  const group = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn }))).TargetGroups?.[0];
  const groupAttributes = group ? ((await clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn! }))).Attributes ?? []) : [];
  const idle = attributes.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value;
  return {
    kind: 'application',
    name: arn,
    listeners: listeners.map((l) => ({ port: l.Port!, protocol: String(l.Protocol), instancePort: group?.Port ?? 80, instanceProtocol: String(group?.Protocol ?? 'HTTP'), certificate: l.Certificates?.[0]?.CertificateArn ?? null })),
    idleTimeoutSeconds: idle ? Number(idle) : null,
    stickiness: group ? groupAttributes.find((a) => a.Key === 'stickiness.enabled')?.Value === 'true' : null,
    backendPolicies: [],
  };
}

/** The deployed version's bundle: its .platform/nginx files and package.json. */
async function bundleFacts(clients: AwsClients, application: string, label: string, signal?: AbortSignal): Promise<BundleFacts> {
  const version = (await clients.elasticbeanstalk.send(new DescribeApplicationVersionsCommand({ ApplicationName: application, VersionLabels: [label] }))).ApplicationVersions?.[0];
  const source = version?.SourceBundle;
  if (!source?.S3Bucket || !source.S3Key) throw new Error(`version ${label} has no source bundle in S3`);
  const files = unzip(await downloadObject(clients, source.S3Bucket, source.S3Key, signal));
  const nginxFiles = Object.fromEntries(files.filter((f) => f.path.startsWith(PLATFORM_NGINX) && f.path.endsWith('.conf')).map((f) => [f.path, f.data.toString('utf8')]));
  const pkg = files.find((f) => f.path === 'package.json');
  return { bucket: source.S3Bucket, key: source.S3Key, nginxFiles, packageJson: pkg ? pkg.data.toString('utf8') : null };
}

const bare = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** Names in the account's public Route 53 zones that point at the environment (CNAME or alias to its CNAME or load balancer). */
async function domainsPointingAt(clients: AwsClients, targets: string[]): Promise<string[]> {
  const wanted = new Set(targets.filter(Boolean).map(bare));
  const names: string[] = [];
  let next: { DNSName?: string; HostedZoneId?: string } = {};
  do {
    const page = await clients.route53.send(new ListHostedZonesByNameCommand({ ...next }));
    for (const zone of (page.HostedZones ?? []).filter((z) => !z.Config?.PrivateZone)) {
      let start: { StartRecordName?: string; StartRecordType?: 'A' } = {};
      do {
        const got = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id!, ...start }));
        for (const r of got.ResourceRecordSets ?? []) {
          const to = r.AliasTarget?.DNSName ?? (r.Type === 'CNAME' ? r.ResourceRecords?.[0]?.Value : undefined);
          if (to && wanted.has(bare(to).replace(/^dualstack\./, ''))) names.push(bare(r.Name!));
        }
        start = got.IsTruncated ? { StartRecordName: got.NextRecordName!, StartRecordType: got.NextRecordType as 'A' } : {};
      } while (start.StartRecordName);
    }
    next = page.IsTruncated ? { DNSName: page.NextDNSName!, HostedZoneId: page.NextHostedZoneId! } : {};
  } while (next.DNSName);
  return [...new Set(names)];
}

/** Everything the diagnosis reads, through the AWS APIs and real handshakes against each URL. */
export async function collectFacts(clients: AwsClients, opts: CollectOptions): Promise<DoctorFacts> {
  const env = await environmentOf(clients, opts.environment);
  const application = env.ApplicationName!;
  const settings = (await clients.elasticbeanstalk.send(new DescribeConfigurationSettingsCommand({ ApplicationName: application, EnvironmentName: opts.environment }))).ConfigurationSettings?.[0];
  const options: OptionValue[] = (settings?.OptionSettings ?? []).map((o) => ({ namespace: o.Namespace ?? '', name: o.OptionName ?? '', value: o.Value ?? '' })).map((o) => ({ ...o, value: keptValue(o) }));
  const resources = (await clients.elasticbeanstalk.send(new DescribeEnvironmentResourcesCommand({ EnvironmentName: opts.environment }))).EnvironmentResources;
  const lbName = resources?.LoadBalancers?.[0]?.Name;
  const kind = optionOf({ options }, 'aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic';
  const loadBalancer: LoadBalancerFacts = !lbName
    ? { kind: 'none', name: null, listeners: [], idleTimeoutSeconds: null, stickiness: null, backendPolicies: [] }
    : kind === 'application'
      ? await albFacts(clients, lbName)
      : kind === 'classic'
        ? await classicFacts(clients, lbName, { options })
        : { kind: 'none', name: lbName, listeners: [], idleTimeoutSeconds: null, stickiness: null, backendPolicies: [] };
  let bundle: BundleFacts | null = null;
  let bundleError: string | null = env.VersionLabel ? null : 'the environment runs no application version of its own (sample application)';
  if (env.VersionLabel) {
    try {
      bundle = await bundleFacts(clients, application, env.VersionLabel, opts.signal);
    } catch (err) {
      bundleError = `could not read the bundle of ${env.VersionLabel}: ${(err as Error).message}`;
    }
  }
  const domains = await domainsPointingAt(clients, [env.CNAME ?? '', env.EndpointURL ?? '']);
  // A domain is what clients use: over TLS when the load balancer listens on 443.
  const scheme = loadBalancer.listeners.some((l) => l.port === 443) ? 'https' : 'http';
  const urls = [...new Set([`http://${env.CNAME}/`, ...domains.map((d) => `${scheme}://${d}/`), ...opts.urls])];
  const handshakes = [];
  for (const url of urls) handshakes.push(await handshake(url, { connect: opts.connect, echoEvent: opts.echoEvent, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) }));
  return {
    environment: { name: opts.environment, application, cname: env.CNAME ?? '', platform: env.PlatformArn ?? env.SolutionStackName ?? '', versionLabel: env.VersionLabel ?? null, status: env.Status ?? 'unknown', region: clients.region },
    options,
    loadBalancer,
    instances: { running: resources?.Instances?.length ?? 0, maxSize: Number(optionOf({ options }, 'aws:autoscaling:asg', 'MaxSize') ?? 1) },
    bundle,
    bundleError,
    handshakes,
  };
}
