/**
 * The option settings every new environment gets beside its load-balancer and storage ones:
 * instances, scaling, networking, health, deployments, managed updates, logs. Values known only
 * once other resources exist are resource references the plan binds at apply time.
 */

import type { OptionSetting } from '../schema/design.js';
import type { MappingContext } from './context.js';
import type { Sizing } from './eb-sizing.js';
import type { AppGroup } from './sources.js';

const set = (namespace: string, optionName: string, value: OptionSetting['value']): OptionSetting => ({ namespace, optionName, value });

export interface HealthAndDeploy {
  healthCheckPath: string;
  settings: OptionSetting[];
}

export function healthAndDeploy(ctx: MappingContext, group: AppGroup, loadBalancer: 'application' | 'classic'): HealthAndDeploy {
  const healthCheckPath = ctx.ask({
    key: `app.${group.id}.healthCheckPath`,
    prompt: `Health check path for ${group.name}`,
    kind: 'text',
    default: '/',
    defaultReason: 'No health route is visible from the box; "/" must then answer 2xx or 3xx quickly, or instances are marked unhealthy.',
  });
  const policy = ctx.ask({
    key: `app.${group.id}.deploymentPolicy`,
    prompt: `Deployment policy for ${group.name}`,
    kind: 'choice',
    choices: [
      { value: 'Immutable', label: 'Immutable', consequence: 'New instances in a temporary group; serving instances are untouched until the new ones pass health checks. Slowest, safest.' },
      { value: 'RollingWithAdditionalBatch', label: 'Rolling with additional batch', consequence: 'Full capacity kept with one extra batch; a failed deploy leaves mixed versions to roll back.' },
      { value: 'Rolling', label: 'Rolling', consequence: 'Cheapest; capacity drops by a batch during each deploy.' },
      { value: 'AllAtOnce', label: 'All at once', consequence: 'Downtime on every deploy.' },
    ],
    default: 'Immutable',
    defaultReason: 'A failed deploy never touches serving instances, and WebSocket clients reconnect to healthy instances only.',
  });
  ctx.decide({
    id: `eb.${group.id}.health-deploy`,
    area: 'eb',
    title: `Health and deployments for ${group.name}`,
    value: `enhanced health, check ${healthCheckPath} (200–399), ${policy} deployments, weekly minor platform updates`,
    reason: 'Enhanced health reports per-instance causes (it needs the service role and instance profile, which the plan creates); managed platform updates need enhanced health.',
    answerKey: `app.${group.id}.healthCheckPath`,
  });
  const processNs = 'aws:elasticbeanstalk:environment:process:default';
  return {
    healthCheckPath,
    settings: [
      set('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
      ...(loadBalancer === 'application' ? [set(processNs, 'HealthCheckPath', healthCheckPath), set(processNs, 'MatcherHTTPCode', '200-399')] : []),
      set('aws:elasticbeanstalk:command', 'DeploymentPolicy', policy),
      ...(policy.startsWith('Rolling') ? [set('aws:elasticbeanstalk:command', 'BatchSizeType', 'Percentage'), set('aws:elasticbeanstalk:command', 'BatchSize', '50')] : []),
    ],
  };
}

/** Settings of a new environment that do not depend on the app's evidence. */
export function baseSettings(sizing: Sizing): OptionSetting[] {
  const scales = sizing.maxSize > sizing.minSize;
  return [
    set('aws:elasticbeanstalk:environment', 'EnvironmentType', 'LoadBalanced'),
    set('aws:elasticbeanstalk:environment', 'ServiceRole', { resource: 'iam', attribute: 'serviceRole' }),
    set('aws:elasticbeanstalk:environment:proxy', 'ProxyServer', 'nginx'),
    set('aws:ec2:instances', 'InstanceTypes', sizing.instanceType),
    set('aws:ec2:instances', 'SupportedArchitectures', 'x86_64'),
    set('aws:autoscaling:asg', 'MinSize', String(sizing.minSize)),
    set('aws:autoscaling:asg', 'MaxSize', String(sizing.maxSize)),
    ...(scales
      ? [
          set('aws:autoscaling:trigger', 'MeasureName', 'CPUUtilization'),
          set('aws:autoscaling:trigger', 'Statistic', 'Average'),
          set('aws:autoscaling:trigger', 'Unit', 'Percent'),
          set('aws:autoscaling:trigger', 'UpperThreshold', '70'),
          set('aws:autoscaling:trigger', 'LowerThreshold', '30'),
          set('aws:autoscaling:trigger', 'BreachDuration', '5'),
        ]
      : []),
    set('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', { resource: 'iam', attribute: 'instanceProfile' }),
    set('aws:autoscaling:launchconfiguration', 'SecurityGroups', { resource: 'sg:app', attribute: 'id' }),
    set('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true'),
    set('aws:autoscaling:launchconfiguration', 'RootVolumeType', 'gp3'),
    set('aws:ec2:vpc', 'VPCId', { resource: 'network', attribute: 'vpcId' }),
    set('aws:ec2:vpc', 'Subnets', { resource: 'network', attribute: 'instanceSubnets' }),
    set('aws:ec2:vpc', 'ELBSubnets', { resource: 'network', attribute: 'publicSubnets' }),
    set('aws:ec2:vpc', 'AssociatePublicIpAddress', 'true'),
    set('aws:elasticbeanstalk:managedactions', 'ManagedActionsEnabled', 'true'),
    set('aws:elasticbeanstalk:managedactions', 'PreferredStartTime', 'Sun:03:00'),
    set('aws:elasticbeanstalk:managedactions:platformupdate', 'UpdateLevel', 'minor'),
    set('aws:elasticbeanstalk:cloudwatch:logs', 'StreamLogs', 'true'),
    set('aws:elasticbeanstalk:cloudwatch:logs', 'RetentionInDays', '30'),
    set('aws:elasticbeanstalk:cloudwatch:logs', 'DeleteOnTerminate', 'false'),
  ];
}
