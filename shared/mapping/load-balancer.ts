/**
 * The load balancer in front of an app, decided from WebSocket evidence: a new environment gets
 * an ALB (HTTPS with ACM, HTTP→HTTPS redirect, idle timeout raised, stickiness for Socket.IO
 * polling on several instances); an existing classic-ELB environment gets the layer-4 listener
 * fix. The instance-side nginx stays (ProxyServer none is not valid on Node.js AL2023) and is
 * overridden to pass the upgrade headers with long timeouts.
 */

import type { OptionSetting } from '../schema/design.js';
import type { MappingContext } from './context.js';
import type { AppGroup } from './sources.js';
import type { WebEvidence } from './web-evidence.js';

export interface LoadBalancerDesign {
  existing: { name: string; loadBalancer: 'classic' | 'application' } | null;
  loadBalancer: 'application' | 'classic';
  idleTimeoutSeconds: number;
  settings: OptionSetting[];
}

const CERT = { resource: 'certificate', attribute: 'arn' };
const set = (namespace: string, optionName: string, value: OptionSetting['value']): OptionSetting => ({ namespace, optionName, value });

function existingEnvironment(ctx: MappingContext, group: AppGroup): LoadBalancerDesign['existing'] {
  const name = ctx.ask<string | null>({
    key: `app.${group.id}.existingEnvironment`,
    prompt: `Existing Elastic Beanstalk environment to reuse for ${group.name} (blank for a new one)`,
    kind: 'text',
    default: null,
    defaultReason: 'A new environment can take an ALB, which passes WebSockets natively; the load balancer type of an environment cannot change after creation.',
  });
  if (!name) return null;
  const lb = ctx.ask<string>({
    key: `app.${group.id}.existingLoadBalancer`,
    prompt: `Load balancer type of ${name}`,
    kind: 'choice',
    choices: [
      { value: 'classic', label: 'Classic ELB', consequence: 'Listeners switch to TCP/SSL so the WebSocket upgrade passes; no stickiness on layer 4.' },
      { value: 'application', label: 'Application Load Balancer', consequence: 'Idle timeout and stickiness are set on the existing ALB.' },
    ],
    default: 'classic',
    defaultReason: 'Reusing an environment usually means an older one with a classic ELB; the runner checks the type with DescribeConfigurationSettings before changing anything.',
  });
  return { name, loadBalancer: lb === 'application' ? 'application' : 'classic' };
}

function classicSettings(ctx: MappingContext, group: AppGroup, ev: WebEvidence, idle: number, https: boolean): OptionSetting[] {
  const proxyProtocol = ctx.ask({
    key: `app.${group.id}.proxyProtocol`,
    prompt: `Enable Proxy Protocol on ${group.name}'s classic ELB to keep client IPs?`,
    kind: 'boolean',
    default: false,
    defaultReason: 'It needs an nginx that listens with proxy_protocol first (a full .platform/nginx/nginx.conf override); enabled before that, every request fails with 400.',
  });
  ctx.decide({
    id: `lb.${group.id}.classic-listeners`,
    area: 'load-balancer',
    title: `Classic ELB listener fix for ${group.name}`,
    value: https ? 'TCP:80→TCP:80, SSL:443→TCP:80' : 'TCP:80→TCP:80',
    reason: 'A classic ELB with HTTP listeners does not pass the WebSocket Upgrade handshake (HTTP 400). Layer-4 listeners do; the certificate moves to the SSL:443 listener.',
    facts: ev.facts,
    alternatives: [{ value: 'new environment with an ALB', why: 'Passes WebSockets natively and keeps layer-7 features (stickiness, redirects), but means a new environment and a CNAME swap.' }],
    warnings: [
      'Layer 4 drops X-Forwarded-For: the app sees the ELB\'s address as the client IP unless Proxy Protocol is enabled (after nginx is configured for it).',
      ...(ev.socketio ? ['TCP listeners cannot be sticky: with more than one instance, have Socket.IO clients use the websocket transport only (transports: ["websocket"]).'] : []),
    ],
    answerKey: `app.${group.id}.proxyProtocol`,
  });
  return [
    set('aws:elb:listener:80', 'ListenerProtocol', 'TCP'),
    set('aws:elb:listener:80', 'InstancePort', '80'),
    set('aws:elb:listener:80', 'InstanceProtocol', 'TCP'),
    ...(https
      ? [
          set('aws:elb:listener:443', 'ListenerProtocol', 'SSL'),
          set('aws:elb:listener:443', 'InstancePort', '80'),
          set('aws:elb:listener:443', 'InstanceProtocol', 'TCP'),
          set('aws:elb:listener:443', 'SSLCertificateId', CERT),
        ]
      : []),
    set('aws:elb:policies', 'ConnectionSettingIdleTimeout', String(idle)),
    set('aws:elb:policies', 'ProxyProtocol', String(proxyProtocol)),
  ];
}

function albSettings(ev: WebEvidence, idle: number, https: boolean, sticky: boolean, isNew: boolean): OptionSetting[] {
  const ns = 'aws:elasticbeanstalk:environment:process:default';
  return [
    ...(isNew ? [set('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application')] : []),
    set('aws:elbv2:loadbalancer', 'IdleTimeout', String(idle)),
    ...(https
      ? [
          set('aws:elbv2:listener:443', 'ListenerEnabled', 'true'),
          set('aws:elbv2:listener:443', 'Protocol', 'HTTPS'),
          set('aws:elbv2:listener:443', 'SSLCertificateArns', CERT),
          set('aws:elbv2:listener:443', 'SSLPolicy', 'ELBSecurityPolicy-TLS13-1-2-2021-06'),
        ]
      : []),
    ...(sticky ? [set(ns, 'StickinessEnabled', 'true'), set(ns, 'StickinessType', 'lb_cookie'), set(ns, 'StickinessLBCookieDuration', '86400')] : []),
    ...(ev.websocket ? [set(ns, 'DeregistrationDelay', '60')] : []),
  ];
}

export function mapLoadBalancer(ctx: MappingContext, group: AppGroup, ev: WebEvidence, maxSize: number, https: boolean): LoadBalancerDesign {
  const existing = existingEnvironment(ctx, group);
  const loadBalancer = existing?.loadBalancer ?? 'application';
  const idle = Math.min(4000, Math.max(ev.websocket ? 300 : 60, ev.readTimeoutSeconds ?? 0));
  const sticky = loadBalancer === 'application' && ev.socketio && maxSize > 1;
  const settings = loadBalancer === 'classic' ? classicSettings(ctx, group, ev, idle, https) : albSettings(ev, idle, https, sticky, !existing);

  if (loadBalancer === 'application') {
    const warnings: string[] = [];
    if (!https) warnings.push('No domain was found for this app, so there is no certificate and no HTTPS listener: answer dns.domains to add one.');
    if (ev.socketio && !ev.redisAdapter && maxSize > 1) warnings.push('Stickiness keeps a Socket.IO session on one instance, but broadcasts still need @socket.io/redis-adapter.');
    ctx.decide({
      id: `lb.${group.id}.alb`,
      area: 'load-balancer',
      title: `Load balancer for ${group.name}`,
      value: `Application Load Balancer${https ? ', HTTPS:443 (ACM) + HTTP:80→HTTPS redirect' : ', HTTP:80'}, idle timeout ${idle} s${sticky ? ', sticky (lb_cookie, 1 day)' : ''}`,
      reason: [
        existing ? `Reusing ${existing.name}, which already has an ALB.` : 'An ALB passes WebSocket upgrades natively and terminates TLS with an ACM certificate.',
        ev.websocket ? `WebSockets are in use, so the 60 s default idle timeout is raised to ${idle} s${ev.readTimeoutSeconds ? ` (the box's proxy allowed ${ev.readTimeoutSeconds} s)` : ''}.` : '',
        sticky ? 'Socket.IO\'s polling transport needs every request of a session on the same instance ("Session ID unknown" otherwise), and more than one instance may serve it.' : '',
      ].filter((s) => s.length > 0).join(' '),
      facts: ev.facts,
      alternatives: [{ value: 'Network Load Balancer', why: 'Layer 4 passes anything, but gives up HTTP health checks on paths, redirects and cookie stickiness.' }],
      warnings,
    });
  }
  ctx.decide({
    id: `lb.${group.id}.nginx`,
    area: 'load-balancer',
    title: `Instance proxy for ${group.name}`,
    value: `nginx kept, with a .platform/nginx override${ev.websocket ? ' passing Upgrade/Connection headers' : ''} (read/send timeout ${idle} s)`,
    reason: 'On Node.js Amazon Linux 2023 the proxy can be nginx or Apache but not removed (ProxyServer none exists only on the retired Amazon Linux AMI platforms and Docker Compose), so the proxy is configured instead: its timeouts match the load balancer\'s and WebSocket upgrades pass through.',
    facts: ev.facts,
    alternatives: [{ value: 'ProxyServer: none', why: 'Not a valid value for Node.js on Amazon Linux 2023.' }],
  });
  return { existing, loadBalancer, idleTimeoutSeconds: idle, settings };
}
