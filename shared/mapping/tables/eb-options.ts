/**
 * Elastic Beanstalk namespaces and options the planner may emit, with the values the Node.js
 * AL2023 platform accepts, taken from the AWS configuration-options reference. Checking the
 * emitted settings against this table makes an invalid option fail at plan time, not at cutover.
 */

import type { OptionSetting } from '../../schema/design.js';

type Spec =
  | { type: 'enum'; values: string[] }
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'string'; pattern?: RegExp };

interface NamespaceSpec {
  source: string;
  options: Record<string, Spec>;
  /** Namespaces whose option names are user-defined (environment properties). */
  anyOption?: { name: RegExp; value: Spec };
  loadBalancer?: 'application' | 'classic';
}

const GENERAL = 'https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html';
const SPECIFIC = 'https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-specific.html';
const SECRETS = 'https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.secrets.env-vars.html';

const bool: Spec = { type: 'bool' };
const str: Spec = { type: 'string' };
const int = (min: number, max: number): Spec => ({ type: 'int', min, max });
const oneOf = (...values: string[]): Spec => ({ type: 'enum', values });
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ARN = /^arn:aws[a-z-]*:/;

const NAMESPACES: Record<string, NamespaceSpec> = {
  'aws:autoscaling:asg': { source: GENERAL, options: { MinSize: int(1, 10000), MaxSize: int(1, 10000), Cooldown: int(0, 10000) } },
  'aws:autoscaling:launchconfiguration': {
    source: GENERAL,
    options: {
      IamInstanceProfile: str,
      SecurityGroups: str,
      DisableIMDSv1: bool,
      RootVolumeType: oneOf('standard', 'gp2', 'gp3', 'io1', 'io2'),
      RootVolumeSize: int(10, 16384),
      EC2KeyName: str,
    },
  },
  'aws:autoscaling:trigger': {
    source: GENERAL,
    options: {
      MeasureName: oneOf('CPUUtilization', 'NetworkIn', 'NetworkOut', 'DiskWriteOps', 'DiskReadBytes', 'DiskReadOps', 'DiskWriteBytes', 'Latency', 'RequestCount', 'HealthyHostCount', 'UnhealthyHostCount', 'TargetResponseTime'),
      Statistic: oneOf('Minimum', 'Maximum', 'Sum', 'Average'),
      Unit: oneOf('Seconds', 'Percent', 'Bytes', 'Bits', 'Count', 'Bytes/Second', 'Bits/Second', 'Count/Second', 'None'),
      Period: int(1, 600),
      EvaluationPeriods: int(1, 600),
      BreachDuration: int(1, 600),
      UpperThreshold: int(0, 20000000),
      LowerThreshold: int(0, 20000000),
      UpperBreachScaleIncrement: int(-10000, 10000),
      LowerBreachScaleIncrement: int(-10000, 10000),
    },
  },
  'aws:ec2:instances': {
    source: GENERAL,
    options: { InstanceTypes: { type: 'string', pattern: /^[a-z0-9]+\.[a-z0-9]+(,[a-z0-9]+\.[a-z0-9]+)*$/ }, SupportedArchitectures: oneOf('x86_64', 'arm64'), EnableSpot: bool },
  },
  'aws:ec2:vpc': {
    source: GENERAL,
    options: { VPCId: str, Subnets: str, ELBSubnets: str, DBSubnets: str, AssociatePublicIpAddress: bool, ELBScheme: oneOf('public', 'internal') },
  },
  'aws:elasticbeanstalk:application:environment': {
    source: GENERAL,
    options: {},
    anyOption: { name: ENV_NAME, value: str },
  },
  'aws:elasticbeanstalk:application:environmentsecrets': {
    source: SECRETS,
    options: {},
    anyOption: { name: ENV_NAME, value: { type: 'string', pattern: ARN } },
  },
  'aws:elasticbeanstalk:cloudwatch:logs': {
    source: GENERAL,
    options: { StreamLogs: bool, DeleteOnTerminate: bool, RetentionInDays: oneOf('1', '3', '5', '7', '14', '30', '60', '90', '120', '150', '180', '365', '400', '545', '731', '1827', '3653') },
  },
  'aws:elasticbeanstalk:command': {
    source: GENERAL,
    options: {
      DeploymentPolicy: oneOf('AllAtOnce', 'Rolling', 'RollingWithAdditionalBatch', 'Immutable', 'TrafficSplitting'),
      BatchSizeType: oneOf('Percentage', 'Fixed'),
      BatchSize: int(1, 10000),
      Timeout: int(1, 3600),
      IgnoreHealthCheck: bool,
    },
  },
  'aws:elasticbeanstalk:environment': {
    source: GENERAL,
    options: {
      EnvironmentType: oneOf('SingleInstance', 'LoadBalanced'),
      LoadBalancerType: oneOf('classic', 'application', 'network'),
      ServiceRole: str,
      LoadBalancerIsShared: bool,
    },
  },
  'aws:elasticbeanstalk:environment:process:default': {
    source: GENERAL,
    options: {
      HealthCheckPath: { type: 'string', pattern: /^\/\S*$/ },
      MatcherHTTPCode: { type: 'string', pattern: /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/ },
      Port: int(1, 65535),
      Protocol: oneOf('HTTP', 'HTTPS'),
      StickinessEnabled: bool,
      StickinessType: oneOf('lb_cookie'),
      StickinessLBCookieDuration: int(1, 604800),
      DeregistrationDelay: int(0, 3600),
      HealthCheckInterval: int(5, 300),
      HealthCheckTimeout: int(2, 120),
      HealthyThresholdCount: int(2, 10),
      UnhealthyThresholdCount: int(2, 10),
    },
  },
  'aws:elasticbeanstalk:environment:proxy': {
    // `none` exists only on retired Amazon Linux AMI platforms and Docker Compose.
    source: GENERAL,
    options: { ProxyServer: oneOf('nginx', 'apache') },
  },
  'aws:elasticbeanstalk:environment:proxy:staticfiles': {
    source: SPECIFIC,
    options: {},
    anyOption: { name: /^\/[A-Za-z0-9._~\-/]*$/, value: { type: 'string', pattern: /^[A-Za-z0-9._\-/]+$/ } },
  },
  'aws:elasticbeanstalk:healthreporting:system': {
    source: GENERAL,
    options: { SystemType: oneOf('basic', 'enhanced'), EnhancedHealthAuthEnabled: bool, HealthCheckSuccessThreshold: oneOf('Ok', 'Warning', 'Degraded', 'Severe') },
  },
  'aws:elasticbeanstalk:managedactions': {
    source: GENERAL,
    options: { ManagedActionsEnabled: bool, PreferredStartTime: { type: 'string', pattern: /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat):\d{2}:\d{2}$/ }, ServiceRoleForManagedUpdates: str },
  },
  'aws:elasticbeanstalk:managedactions:platformupdate': {
    source: GENERAL,
    options: { UpdateLevel: oneOf('patch', 'minor'), InstanceRefreshEnabled: bool },
  },
  'aws:elbv2:loadbalancer': {
    source: GENERAL,
    loadBalancer: 'application',
    options: { IdleTimeout: int(1, 4000), SecurityGroups: str, ManagedSecurityGroup: str, AccessLogsS3Enabled: bool, AccessLogsS3Bucket: str },
  },
  'aws:elbv2:listener': {
    source: GENERAL,
    loadBalancer: 'application',
    options: {
      ListenerEnabled: bool,
      Protocol: oneOf('HTTP', 'HTTPS'),
      SSLCertificateArns: { type: 'string', pattern: ARN },
      SSLPolicy: str,
      DefaultProcess: str,
      Rules: str,
    },
  },
  'aws:elb:listener': {
    source: GENERAL,
    loadBalancer: 'classic',
    options: {
      ListenerProtocol: oneOf('HTTP', 'HTTPS', 'TCP', 'SSL'),
      InstancePort: int(1, 65535),
      InstanceProtocol: oneOf('HTTP', 'HTTPS', 'TCP', 'SSL'),
      SSLCertificateId: { type: 'string', pattern: ARN },
      ListenerEnabled: bool,
      PolicyNames: str,
    },
  },
  'aws:elb:policies': {
    source: GENERAL,
    loadBalancer: 'classic',
    options: { ConnectionDrainingEnabled: bool, ConnectionDrainingTimeout: int(1, 3600), ConnectionSettingIdleTimeout: int(1, 3600), CrossZone: bool, ProxyProtocol: bool, LoadBalancerPorts: str },
  },
};

/** Listener namespaces carry the port in their name (`aws:elbv2:listener:443`). */
function lookupNamespace(namespace: string): NamespaceSpec | undefined {
  const listener = /^(aws:elbv2:listener|aws:elb:listener):(default|\d{1,5})$/.exec(namespace);
  return NAMESPACES[listener ? (listener[1] as string) : namespace];
}

export function namespaceSource(namespace: string): string | null {
  return lookupNamespace(namespace)?.source ?? null;
}

function checkValue(spec: Spec, value: string): string | null {
  switch (spec.type) {
    case 'enum':
      return spec.values.includes(value) ? null : `must be one of ${spec.values.join(', ')}`;
    case 'bool':
      return value === 'true' || value === 'false' ? null : 'must be true or false';
    case 'int': {
      const n = Number(value);
      return /^-?\d+$/.test(value) && n >= spec.min && n <= spec.max ? null : `must be an integer from ${spec.min} to ${spec.max}`;
    }
    case 'string':
      return spec.pattern && !spec.pattern.test(value) ? `does not match ${spec.pattern.source}` : null;
  }
}

/**
 * Problems with option settings for a Node.js AL2023 environment, one sentence each; empty when
 * all are valid. Values bound at apply time (resource references) are checked for shape only
 * by the plan, not here.
 */
export function validateOptionSettings(settings: OptionSetting[], loadBalancer: 'application' | 'classic'): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of settings) {
    const where = `${s.namespace} ${s.optionName}`;
    if (seen.has(where)) problems.push(`${where} is set twice`);
    seen.add(where);
    const ns = lookupNamespace(s.namespace);
    if (!ns) {
      problems.push(`${s.namespace} is not a namespace the Node.js AL2023 platform accepts`);
      continue;
    }
    if (ns.loadBalancer && ns.loadBalancer !== loadBalancer) {
      problems.push(`${where} applies to a ${ns.loadBalancer} load balancer, but the environment uses ${loadBalancer}`);
      continue;
    }
    const spec = ns.options[s.optionName] ?? (ns.anyOption?.name.test(s.optionName) ? ns.anyOption.value : undefined);
    if (!spec) {
      problems.push(`${where}: unknown option`);
      continue;
    }
    if (typeof s.value !== 'string') continue;
    const problem = checkValue(spec, s.value);
    if (problem) problems.push(`${where} = ${JSON.stringify(s.value)}: ${problem}`);
  }
  return problems;
}
