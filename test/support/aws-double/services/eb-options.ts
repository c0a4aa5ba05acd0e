import type * as sdk from '@aws-sdk/client-elastic-beanstalk';
import type * as elb from '@aws-sdk/client-elastic-load-balancing';
import { AwsFault } from '../errors.js';

export type OptionSetting = sdk.ConfigurationOptionSetting;

const ENV = 'aws:elasticbeanstalk:environment';
const KNOWN = new Set([
  ENV,
  'aws:elasticbeanstalk:environment:proxy',
  'aws:elasticbeanstalk:application:environment',
  'aws:elasticbeanstalk:application:environmentsecrets',
  'aws:elasticbeanstalk:healthreporting:system',
  'aws:elasticbeanstalk:command',
  'aws:elasticbeanstalk:managedactions',
  'aws:elasticbeanstalk:managedactions:platformupdate',
  'aws:elasticbeanstalk:cloudwatch:logs',
  'aws:autoscaling:asg',
  'aws:autoscaling:trigger',
  'aws:autoscaling:launchconfiguration',
  'aws:ec2:instances',
  'aws:ec2:vpc',
  'aws:elb:loadbalancer',
  'aws:elb:listener',
  'aws:elb:policies',
  'aws:elb:healthcheck',
  'aws:elbv2:loadbalancer',
]);
const PATTERNS = [/^aws:elb:listener:\d+$/, /^aws:elbv2:listener:(default|\d+)$/, /^aws:elasticbeanstalk:environment:process:[\w-]+$/, /^aws:elb:policies:[\w-]+$/];

export const option = (settings: OptionSetting[], namespace: string, name: string) =>
  settings.find((s) => s.Namespace === namespace && s.OptionName === name)?.Value;

/** Options in force: the new values replace the old by (namespace, name); removals drop them. */
export function mergeOptions(base: OptionSetting[], changes: OptionSetting[] = [], removals: sdk.OptionSpecification[] = []): OptionSetting[] {
  const key = (s: { Namespace?: string; OptionName?: string }) => `${s.Namespace}|${s.OptionName}`;
  const gone = new Set(removals.map(key));
  const merged = new Map(base.filter((s) => !gone.has(key(s))).map((s) => [key(s), s]));
  for (const s of changes) merged.set(key(s), { Namespace: s.Namespace, OptionName: s.OptionName, Value: s.Value });
  return [...merged.values()];
}

/** What EB fills in when the API caller leaves an option out (the API's defaults, not the console's). */
export function defaultOptions(lbType: string): OptionSetting[] {
  const base: [string, string, string][] = [
    [ENV, 'EnvironmentType', 'LoadBalanced'],
    [ENV, 'LoadBalancerType', lbType],
    ['aws:elasticbeanstalk:environment:proxy', 'ProxyServer', 'nginx'],
    ['aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'basic'],
    ['aws:elasticbeanstalk:command', 'DeploymentPolicy', 'AllAtOnce'],
    ['aws:autoscaling:asg', 'MinSize', '1'],
    ['aws:autoscaling:asg', 'MaxSize', '4'],
    ['aws:autoscaling:trigger', 'MeasureName', 'NetworkOut'],
    ['aws:ec2:instances', 'InstanceTypes', 't3.micro, t3.small'],
  ];
  const lb: [string, string, string][] =
    lbType === 'classic'
      ? [
          ['aws:elb:listener:80', 'ListenerProtocol', 'HTTP'],
          ['aws:elb:listener:80', 'InstancePort', '80'],
          ['aws:elb:listener:80', 'InstanceProtocol', 'HTTP'],
          ['aws:elb:listener:80', 'ListenerEnabled', 'true'],
          ['aws:elb:policies', 'ConnectionSettingIdleTimeout', '60'],
        ]
      : [
          ['aws:elbv2:listener:default', 'ListenerEnabled', 'true'],
          ['aws:elbv2:listener:default', 'Protocol', 'HTTP'],
          ['aws:elbv2:loadbalancer', 'IdleTimeout', '60'],
          ['aws:elasticbeanstalk:environment:process:default', 'Port', '80'],
          ['aws:elasticbeanstalk:environment:process:default', 'Protocol', 'HTTP'],
          ['aws:elasticbeanstalk:environment:process:default', 'HealthCheckPath', '/'],
          ['aws:elasticbeanstalk:environment:process:default', 'StickinessEnabled', 'false'],
          ['aws:elasticbeanstalk:environment:process:default', 'StickinessLBCookieDuration', '86400'],
        ];
  return [...base, ...lb].map(([Namespace, OptionName, Value]) => ({ Namespace, OptionName, Value }));
}

type Message = sdk.ValidationMessage;
const error = (Namespace: string | undefined, OptionName: string | undefined, Message: string): Message => ({ Severity: 'error', Namespace, OptionName, Message });

const inRange = (value: string | undefined, low: number, high: number) => value === undefined || (/^\d+$/.test(value) && Number(value) >= low && Number(value) <= high);

/** The checks EB runs on a configuration (ValidateConfigurationSettings and every create/update). */
export function validateOptions(settings: OptionSetting[], current?: OptionSetting[]): Message[] {
  const messages: Message[] = [];
  for (const s of settings) {
    if (!s.Namespace || (!KNOWN.has(s.Namespace) && !PATTERNS.some((p) => p.test(s.Namespace!)))) {
      messages.push(error(s.Namespace, s.OptionName, `Invalid option specification (Namespace: '${s.Namespace}', OptionName: '${s.OptionName}'): Unknown configuration setting.`));
    }
  }
  const get = (ns: string, name: string) => option(settings, ns, name);
  const proxy = get('aws:elasticbeanstalk:environment:proxy', 'ProxyServer');
  if (proxy !== undefined && !['nginx', 'apache'].includes(proxy)) {
    messages.push(error('aws:elasticbeanstalk:environment:proxy', 'ProxyServer', `Invalid option value: '${proxy}' (Namespace: 'aws:elasticbeanstalk:environment:proxy', OptionName: 'ProxyServer'): Value is not one of the allowed values: [nginx, apache]`));
  }
  const lbType = get(ENV, 'LoadBalancerType');
  if (lbType !== undefined && !['classic', 'application', 'network'].includes(lbType)) {
    messages.push(error(ENV, 'LoadBalancerType', `Invalid option value: '${lbType}': Value is not one of the allowed values: [classic, application, network]`));
  }
  const before = current && option(current, ENV, 'LoadBalancerType');
  if (before && lbType && lbType !== before) {
    messages.push(error(ENV, 'LoadBalancerType', `You cannot change the load balancer type of a running environment (from ${before} to ${lbType}); create a new environment.`));
  }
  for (const [ns, name] of [['aws:elbv2:loadbalancer', 'IdleTimeout'], ['aws:elb:policies', 'ConnectionSettingIdleTimeout']] as const) {
    if (!inRange(get(ns, name), 1, 4000)) messages.push(error(ns, name, `Invalid option value: '${get(ns, name)}': the idle timeout must be between 1 and 4000 seconds.`));
  }
  for (const l of listenerNamespaces(settings)) {
    const front = (get(l, 'ListenerProtocol') ?? 'HTTP').toUpperCase();
    const back = (get(l, 'InstanceProtocol') ?? (front === 'TCP' || front === 'SSL' ? 'TCP' : 'HTTP')).toUpperCase();
    const layer7 = (p: string) => p === 'HTTP' || p === 'HTTPS';
    if (layer7(front) !== layer7(back)) {
      messages.push(error(l, 'InstanceProtocol', `Invalid option value: '${back}': a ${front} listener needs an ${layer7(front) ? 'HTTP or HTTPS' : 'TCP or SSL'} instance protocol.`));
    }
    if ((front === 'HTTPS' || front === 'SSL') && !get(l, 'SSLCertificateId')) {
      messages.push(error(l, 'SSLCertificateId', `Listener ${l} uses ${front} and needs SSLCertificateId.`));
    }
  }
  const properties = settings.filter((s) => s.Namespace === 'aws:elasticbeanstalk:application:environment');
  const size = properties.reduce((n, s) => n + (s.OptionName?.length ?? 0) + (s.Value?.length ?? 0), 0);
  if (size > 4096) {
    messages.push(error('aws:elasticbeanstalk:application:environment', undefined, `Environment properties total ${size} characters; the limit is 4096. Keep secrets in SSM Parameter Store or Secrets Manager.`));
  }
  if (get('aws:elasticbeanstalk:healthreporting:system', 'SystemType') === 'enhanced' && !get(ENV, 'ServiceRole')) {
    messages.push(error(ENV, 'ServiceRole', 'Enhanced health reporting requires a service role (aws:elasticbeanstalk:environment ServiceRole).'));
  }
  return messages;
}

/** The first error as the exception create/update answer with. */
export function rejectInvalid(messages: Message[]): void {
  const first = messages.find((m) => m.Severity === 'error');
  if (first) throw new AwsFault('ConfigurationValidationException', `Configuration validation exception: ${first.Message}`, 400);
}

const listenerNamespaces = (settings: OptionSetting[]) => [...new Set(settings.map((s) => s.Namespace!).filter((ns) => /^aws:elb:listener:\d+$/.test(ns)))];

/** Classic listeners from the `aws:elb:listener:PORT` namespaces (disabled ones left out). */
export function classicListeners(settings: OptionSetting[]): elb.Listener[] {
  return listenerNamespaces(settings)
    .filter((ns) => option(settings, ns, 'ListenerEnabled') !== 'false')
    .map((ns) => {
      const protocol = (option(settings, ns, 'ListenerProtocol') ?? 'HTTP').toUpperCase();
      const cert = option(settings, ns, 'SSLCertificateId');
      return {
        Protocol: protocol,
        LoadBalancerPort: Number(ns.split(':').pop()),
        InstanceProtocol: (option(settings, ns, 'InstanceProtocol') ?? (protocol === 'TCP' || protocol === 'SSL' ? 'TCP' : 'HTTP')).toUpperCase(),
        InstancePort: Number(option(settings, ns, 'InstancePort') ?? 80),
        ...(cert ? { SSLCertificateId: cert } : {}),
      };
    });
}

/** ALB listeners from `aws:elbv2:listener:default` (port 80) and `aws:elbv2:listener:PORT`. */
export function albListenerSpecs(settings: OptionSetting[]): { port: number; protocol: string; certificates: string[] }[] {
  const namespaces = [...new Set(settings.map((s) => s.Namespace!).filter((ns) => /^aws:elbv2:listener:(default|\d+)$/.test(ns)))];
  return namespaces
    .filter((ns) => option(settings, ns, 'ListenerEnabled') !== 'false')
    .map((ns) => {
      const port = ns.endsWith(':default') ? 80 : Number(ns.split(':').pop());
      const certs = option(settings, ns, 'SSLCertificateArns');
      return { port, protocol: (option(settings, ns, 'Protocol') ?? 'HTTP').toUpperCase(), certificates: certs ? certs.split(',').map((c) => c.trim()) : [] };
    });
}
