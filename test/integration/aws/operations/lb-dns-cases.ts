import { DeleteCertificateCommand, ListCertificatesCommand, ListTagsForCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  CreateLoadBalancerListenersCommand,
  CreateLoadBalancerPolicyCommand,
  DeleteLoadBalancerListenersCommand,
  DescribeLoadBalancerAttributesCommand as DescribeClassicAttributesCommand,
  DescribeLoadBalancerPoliciesCommand,
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  ModifyLoadBalancerAttributesCommand as ModifyClassicAttributesCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, DeleteHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { expect } from 'vitest';
import { waitForCertificate, waitForChange, waitForValidationRecords } from '../../../../electron/engine/aws/wait.js';
import { SKYLIFT_TAG, type OperationCase } from './context.js';

export const lbDnsCases: OperationCase[] = [
  {
    name: 'ALB: listeners, target group stickiness, idle timeout',
    ops: ['elbv2:DescribeLoadBalancers', 'elbv2:DescribeListeners', 'elbv2:DescribeTargetGroups', 'elbv2:DescribeTargetGroupAttributes', 'elbv2:ModifyTargetGroupAttributes', 'elbv2:DescribeLoadBalancerAttributes', 'elbv2:ModifyLoadBalancerAttributes'],
    async run(ctx) {
      const elbv2 = ctx.clients.elbv2;
      const LoadBalancerArn = ctx.get('albArn');
      const lb = (await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [LoadBalancerArn] }))).LoadBalancers![0]!;
      expect(lb).toMatchObject({ Type: 'application', State: { Code: 'active' }, CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K' });
      const listeners = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn }))).Listeners!;
      expect(listeners.map((l) => [l.Port, l.Protocol])).toEqual([[80, 'HTTP']]);
      const group = (await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn }))).TargetGroups![0]!;
      await elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn, Attributes: [{ Key: 'stickiness.enabled', Value: 'true' }] }));
      const attributes = (await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn }))).Attributes!;
      expect(attributes).toContainEqual({ Key: 'stickiness.enabled', Value: 'true' });
      const before = (await elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn }))).Attributes!;
      expect(before).toContainEqual({ Key: 'idle_timeout.timeout_seconds', Value: '300' });
      await expect(elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '5000' }] }))).rejects.toMatchObject({ name: 'ValidationError' });
      const after = await elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '120' }] }));
      expect(after.Attributes).toContainEqual({ Key: 'idle_timeout.timeout_seconds', Value: '120' });
    },
  },
  {
    name: 'ALB listener answers 503 for maintenance (the way back stops writes on AWS), then forwards again',
    ops: ['elbv2:ModifyListener'],
    async run(ctx) {
      const elbv2 = ctx.clients.elbv2;
      const listener = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: ctx.get('albArn') }))).Listeners![0]!;
      const maintenance = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'Down for maintenance' } }];
      const changed = await elbv2.send(new ModifyListenerCommand({ ListenerArn: listener.ListenerArn, DefaultActions: maintenance }));
      expect(changed.Listeners?.[0]?.DefaultActions).toMatchObject(maintenance);
      await elbv2.send(new ModifyListenerCommand({ ListenerArn: listener.ListenerArn, DefaultActions: listener.DefaultActions }));
      const back = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listener.ListenerArn!] }))).Listeners![0]!;
      expect(back.DefaultActions).toEqual(listener.DefaultActions);
      await expect(elbv2.send(new ModifyListenerCommand({ ListenerArn: `${listener.ListenerArn}-gone`, DefaultActions: maintenance }))).rejects.toMatchObject({ name: 'ListenerNotFoundException' });
    },
  },
  {
    name: 'classic ELB: HTTP:80 replaced by TCP:80, proxy protocol to the instances, idle timeout',
    ops: ['elb:DescribeLoadBalancers', 'elb:DeleteLoadBalancerListeners', 'elb:CreateLoadBalancerListeners', 'elb:CreateLoadBalancerPolicy', 'elb:SetLoadBalancerPoliciesForBackendServer', 'elb:DescribeLoadBalancerPolicies', 'elb:DescribeLoadBalancerAttributes', 'elb:ModifyLoadBalancerAttributes'],
    async run(ctx) {
      const elb = ctx.clients.elb;
      const LoadBalancerName = ctx.get('classicName');
      const before = (await elb.send(new DescribeClassicCommand({ LoadBalancerNames: [LoadBalancerName] }))).LoadBalancerDescriptions![0]!;
      expect(before.ListenerDescriptions?.map((d) => d.Listener)).toEqual([{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }]);
      await expect(elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName, Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 8080, InstanceProtocol: 'HTTP', InstancePort: 80 }] }))).rejects.toMatchObject({
        name: 'InvalidConfigurationRequestException',
      });
      await elb.send(new DeleteLoadBalancerListenersCommand({ LoadBalancerName, LoadBalancerPorts: [80] }));
      await elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName, Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 80, InstanceProtocol: 'TCP', InstancePort: 80 }] }));
      await elb.send(new CreateLoadBalancerPolicyCommand({ LoadBalancerName, PolicyName: 'skylift-proxy-protocol', PolicyTypeName: 'ProxyProtocolPolicyType', PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }] }));
      await elb.send(new SetLoadBalancerPoliciesForBackendServerCommand({ LoadBalancerName, InstancePort: 80, PolicyNames: ['skylift-proxy-protocol'] }));
      const policies = (await elb.send(new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName, PolicyNames: ['skylift-proxy-protocol'] }))).PolicyDescriptions!;
      expect(policies[0]).toMatchObject({ PolicyTypeName: 'ProxyProtocolPolicyType' });
      const after = (await elb.send(new DescribeClassicCommand({ LoadBalancerNames: [LoadBalancerName] }))).LoadBalancerDescriptions![0]!;
      expect(after.ListenerDescriptions?.map((d) => d.Listener?.Protocol)).toEqual(['TCP']);
      expect(after.BackendServerDescriptions).toEqual([{ InstancePort: 80, PolicyNames: ['skylift-proxy-protocol'] }]);
      await elb.send(new ModifyClassicAttributesCommand({ LoadBalancerName, LoadBalancerAttributes: { ConnectionSettings: { IdleTimeout: 300 } } }));
      const attributes = (await elb.send(new DescribeClassicAttributesCommand({ LoadBalancerName }))).LoadBalancerAttributes!;
      expect(attributes.ConnectionSettings).toEqual({ IdleTimeout: 300 });
    },
  },
  {
    name: 'DNS: a zone created for the import, refused deletion while it holds records, deleted once emptied',
    ops: ['route53:CreateHostedZone', 'route53:DeleteHostedZone'],
    async run({ clients }) {
      const created = await clients.route53.send(new CreateHostedZoneCommand({ Name: 'import.example.org', CallerReference: 'skylift-import-1' }));
      expect(created.DelegationSet?.NameServers).toHaveLength(4);
      const Id = created.HostedZone!.Id!;
      const record = { Name: 'www.import.example.org', Type: 'A' as const, TTL: 300, ResourceRecords: [{ Value: '203.0.113.9' }] };
      await clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: Id, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: record }] } }));
      await expect(clients.route53.send(new DeleteHostedZoneCommand({ Id }))).rejects.toMatchObject({ name: 'HostedZoneNotEmpty' });
      await clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: Id, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: { ...record, Name: 'www.import.example.org.' } }] } }));
      expect((await clients.route53.send(new DeleteHostedZoneCommand({ Id }))).ChangeInfo?.Status).toBe('PENDING');
      await expect(clients.route53.send(new DeleteHostedZoneCommand({ Id }))).rejects.toMatchObject({ name: 'NoSuchHostedZone' });
    },
  },
  {
    name: 'DNS: zone found by name, www pointed at the environment, change in sync',
    ops: ['route53:ListHostedZonesByName', 'route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets', 'route53:GetChange'],
    async run(ctx) {
      const { session, clients } = ctx;
      // The zone predates Skylift (the user's own domain): made by a plain SDK client, outside the product.
      const setup = new Route53Client({ region: 'us-east-1', endpoint: session.double.endpoint, credentials: session.user });
      await setup.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'setup-1' }));
      setup.destroy();
      const zone = (await clients.route53.send(new ListHostedZonesByNameCommand({ DNSName: 'example.com', MaxItems: 1 }))).HostedZones![0]!;
      expect(zone.Name).toBe('example.com.');
      ctx.set('zoneId', zone.Id);
      const { ChangeInfo } = await clients.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zone.Id,
          ChangeBatch: {
            Changes: [
              { Action: 'UPSERT', ResourceRecordSet: { Name: 'www.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'skylift-blue.us-east-1.elasticbeanstalk.com' }] } },
              { Action: 'UPSERT', ResourceRecordSet: { Name: 'example.com', Type: 'A', AliasTarget: { HostedZoneId: 'Z117KPS5GTRQ2G', DNSName: 'skylift-blue.us-east-1.elasticbeanstalk.com', EvaluateTargetHealth: false } } },
            ],
          },
        }),
      );
      expect(ChangeInfo?.Status).toBe('PENDING');
      await waitForChange(clients, ChangeInfo!.Id!, ctx.wait);
      const records = (await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }))).ResourceRecordSets!;
      expect(records.map((r) => `${r.Name} ${r.Type}`)).toEqual(['example.com. A', 'example.com. NS', 'example.com. SOA', 'www.example.com. CNAME']);
      await expect(
        clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.Id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.example.net' }] } }] } })),
      ).rejects.toMatchObject({ name: 'InvalidChangeBatch' });
    },
  },
  {
    name: 'certificate issued once its validation record is in Route 53',
    ops: ['acm:RequestCertificate', 'acm:DescribeCertificate', 'acm:ListCertificates'],
    async run(ctx) {
      const { clients } = ctx;
      const { CertificateArn } = await clients.acm.send(new RequestCertificateCommand({ DomainName: 'example.com', SubjectAlternativeNames: ['*.example.com'], ValidationMethod: 'DNS', IdempotencyToken: 'skylift1' }));
      const pending = await waitForValidationRecords(clients, CertificateArn!, ctx.wait);
      expect(pending.Status).toBe('PENDING_VALIDATION');
      const record = pending.DomainValidationOptions![0]!.ResourceRecord!;
      await clients.route53.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: ctx.get('zoneId'), ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: record.Name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: record.Value }] } }] } }),
      );
      expect((await waitForCertificate(clients, CertificateArn!, ctx.wait)).Status).toBe('ISSUED');
      const issued = (await clients.acm.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }))).CertificateSummaryList!;
      expect(issued.map((c) => c.CertificateArn)).toEqual([CertificateArn]);
      ctx.set('certificateArn', CertificateArn);
    },
  },
  {
    name: 'the certificate carries the migration tag (how cleanup finds it)',
    ops: ['acm:ListTagsForCertificate'],
    async run(ctx) {
      const acm = ctx.clients.acm;
      expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: ctx.get('certificateArn') }))).Tags).toEqual([SKYLIFT_TAG]);
      await expect(acm.send(new ListTagsForCertificateCommand({ CertificateArn: `${ctx.get('certificateArn')}0` }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    },
  },
];

export const certificateTeardown: OperationCase[] = [
  {
    name: 'certificate deleted',
    ops: ['acm:DeleteCertificate'],
    async run(ctx) {
      await ctx.clients.acm.send(new DeleteCertificateCommand({ CertificateArn: ctx.get('certificateArn') }));
      expect((await ctx.clients.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList).toEqual([]);
    },
  },
];
