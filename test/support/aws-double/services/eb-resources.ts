import { AwsFault } from '../errors.js';
import { ids } from '../ids.js';
import type { World } from '../world.js';
import type { EnvRecord } from './eb-state.js';
import { albListenerSpecs, classicListeners, option, type OptionSetting } from './eb-options.js';
import { ec2State } from './ec2.js';
import { createLoadBalancer, deleteLoadBalancer, lbProxies, TARGET_GROUP_DEFAULT_ATTRIBUTES, type LbRecord } from './load-balancers.js';

/** What an environment's CloudFormation stack would have created. */
export interface EnvResources {
  securityGroups: string[];
  lb?: LbRecord;
  /** Single-instance environments: the instance's own port 80 (nginx passes upgrades). */
  instanceProxy?: LbRecord;
  autoScalingGroup: string;
  launchTemplate: string;
  instances: string[];
  /** Event messages, in order. */
  created: string[];
}

export function launchResources(world: World, account: string, region: string, rec: EnvRecord, at: number): EnvResources {
  const ec2 = ec2State(world, account, region);
  const options = rec.options;
  const envId = rec.env.EnvironmentId!;
  const vpcId = option(options, 'aws:ec2:vpc', 'VPCId') ?? ec2.defaultVpc().VpcId!;
  const subnets = option(options, 'aws:ec2:vpc', 'Subnets')?.split(',').map((s) => s.trim()) ?? ec2.subnetsOf(vpcId).map((s) => s.SubnetId!);
  const tags = [{ Key: 'elasticbeanstalk:environment-name', Value: rec.env.EnvironmentName }, { Key: 'elasticbeanstalk:environment-id', Value: envId }];
  const instanceGroup = ec2.addGroup(account, vpcId, `awseb-${envId}-stack-AWSEBSecurityGroup-${ids.upper(12)}`, 'SecurityGroup for ElasticBeanstalk environment.', tags);
  instanceGroup.users.add(envId);
  const created = [`Created security group named: ${instanceGroup.group.GroupName}`];
  const resources: EnvResources = {
    securityGroups: [instanceGroup.group.GroupId!],
    autoScalingGroup: `awseb-${envId}-stack-AWSEBAutoScalingGroup-${ids.upper(12)}`,
    launchTemplate: `lt-${ids.hex(17)}`,
    instances: [`i-${ids.hex(17)}`],
    created,
  };
  for (const id of resources.instances) ec2.addInstance(id, subnets[0] ?? '', resources.securityGroups, tags, at);
  const base = { account, region, environmentName: rec.env.EnvironmentName!, vpcId, subnets, at };
  if (option(options, 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance') {
    const proxy = createLoadBalancer(world, { ...base, kind: 'classic', securityGroups: resources.securityGroups, hidden: true });
    proxy.classic.listeners = [{ Protocol: 'TCP', LoadBalancerPort: 80, InstanceProtocol: 'TCP', InstancePort: 80 }];
    resources.instanceProxy = proxy;
    rec.env.EndpointURL = `54.${ids.digits(2)}.${ids.digits(2)}.${ids.digits(2)}`;
  } else {
    const lbType = option(options, 'aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic';
    if (lbType === 'network') throw new AwsFault('NotImplemented', 'The Skylift AWS double does not model network load balancers', 501);
    const lbGroup = ec2.addGroup(account, vpcId, `awseb-${envId}-stack-AWSEBLoadBalancerSecurityGroup-${ids.upper(12)}`, 'Elastic Beanstalk created security group used when no ELB security groups are specified during ELB creation', tags);
    lbGroup.users.add(envId);
    resources.securityGroups.push(lbGroup.group.GroupId!);
    const lb = createLoadBalancer(world, { ...base, kind: lbType === 'application' ? 'application' : 'classic', securityGroups: [lbGroup.group.GroupId!] });
    if (lb.kind === 'application') {
      const name = `awseb-AWSEB-${ids.upper(12)}`;
      lb.application.targetGroups.push({
        attributes: new Map(TARGET_GROUP_DEFAULT_ATTRIBUTES),
        group: {
          TargetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${name}/${ids.hex(16)}`,
          TargetGroupName: name,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: vpcId,
          HealthCheckProtocol: 'HTTP',
          HealthCheckPath: option(options, 'aws:elasticbeanstalk:environment:process:default', 'HealthCheckPath') ?? '/',
          LoadBalancerArns: [lb.arn],
          TargetType: 'instance',
        },
      });
    }
    applyLoadBalancerOptions(lb, options);
    resources.lb = lb;
    rec.env.EndpointURL = lb.dnsName;
    created.push(`Created security group named: ${lbGroup.group.GroupName}`, `Created load balancer named: ${lb.kind === 'classic' ? lb.name : lb.arn}`);
    if (lb.kind === 'application') created.push(`Created target group named: ${lb.application.targetGroups[0]!.group.TargetGroupArn}`);
  }
  created.push(`Created Auto Scaling group named: ${resources.autoScalingGroup}`);
  return resources;
}

/** EB owns its load balancer's configuration: listeners, idle timeout and stickiness follow the options. */
export function applyLoadBalancerOptions(lb: LbRecord, options: OptionSetting[]): void {
  if (lb.kind === 'classic') {
    lb.classic.listeners = classicListeners(options);
    const idle = option(options, 'aws:elb:policies', 'ConnectionSettingIdleTimeout');
    if (idle) lb.classic.attributes.ConnectionSettings = { IdleTimeout: Number(idle) };
    return;
  }
  const group = lb.application.targetGroups[0]!;
  const previous = new Map(lb.application.listeners.map((l) => [l.Port, l.ListenerArn]));
  lb.application.listeners = albListenerSpecs(options).map(({ port, protocol, certificates }) => ({
    ListenerArn: previous.get(port) ?? `${lb.arn.replace(':loadbalancer/', ':listener/')}/${ids.hex(16)}`,
    LoadBalancerArn: lb.arn,
    Port: port,
    Protocol: protocol as 'HTTP',
    Certificates: certificates.map((CertificateArn) => ({ CertificateArn })),
    DefaultActions: [{ Type: 'forward', TargetGroupArn: group.group.TargetGroupArn }],
  }));
  const idle = option(options, 'aws:elbv2:loadbalancer', 'IdleTimeout');
  if (idle) lb.application.attributes.set('idle_timeout.timeout_seconds', idle);
  const process = 'aws:elasticbeanstalk:environment:process:default';
  const sticky = option(options, process, 'StickinessEnabled');
  if (sticky) group.attributes.set('stickiness.enabled', sticky);
  const duration = option(options, process, 'StickinessLBCookieDuration');
  if (duration) group.attributes.set('stickiness.lb_cookie.duration_seconds', duration);
}

export async function releaseResources(world: World, account: string, region: string, rec: EnvRecord): Promise<string[]> {
  const messages: string[] = [];
  const r = rec.resources;
  if (!r) return messages;
  if (r.lb) {
    await deleteLoadBalancer(world, r.lb);
    messages.push(`Deleted load balancer named: ${r.lb.kind === 'classic' ? r.lb.name : r.lb.arn}`);
  }
  if (r.instanceProxy) {
    r.instanceProxy.active = false;
    await lbProxies(world).sync(r.instanceProxy);
  }
  const ec2 = ec2State(world, account, region);
  for (const id of r.instances) ec2.terminateInstance(id);
  for (const id of r.securityGroups) {
    const g = ec2.groups.get(id);
    if (!g) continue;
    g.users.delete(rec.env.EnvironmentId!);
    if (g.users.size === 0) {
      ec2.groups.delete(id);
      messages.push(`Deleted security group named: ${g.group.GroupName}`);
    }
  }
  return messages;
}
