import type { DoctorFacts, HandshakeFacts } from '../../../shared/doctor/facts.js';

export const GOOD_LOCATION = [
  'location / {',
  '    proxy_pass          http://127.0.0.1:8080;',
  '    proxy_http_version  1.1;',
  '    proxy_set_header    Upgrade     $http_upgrade;',
  '    proxy_set_header    Connection  $connection_upgrade;',
  '    proxy_read_timeout  300s;',
  '    proxy_send_timeout  300s;',
  '}',
].join('\n');

export const DROPPING_LOCATION = ['location / {', '    proxy_pass http://127.0.0.1:8080;', '    proxy_set_header Connection "";', '    proxy_read_timeout 20s;', '}'].join('\n');

export const upgraded = (url = 'http://shop.us-east-1.elasticbeanstalk.com/'): HandshakeFacts => ({
  url,
  polling: { status: 200, opened: true, pingIntervalMs: 25_000, pingTimeoutMs: 20_000, upgrades: ['websocket'], refused: false, error: null },
  websocket: { status: 101, upgraded: true, error: null },
  echo: { event: 'echo', ok: true, detail: '"echo" round-tripped' },
});

/** A healthy environment: ALB with a long idle timeout, one instance at most, nginx passing upgrades. */
export function healthyFacts(): DoctorFacts {
  return {
    environment: { name: 'shop', application: 'shop-app', cname: 'shop.us-east-1.elasticbeanstalk.com', platform: 'Node.js 22', versionLabel: 'v1', status: 'Ready', region: 'us-east-1' },
    options: [
      { namespace: 'aws:elasticbeanstalk:environment', name: 'LoadBalancerType', value: 'application' },
      { namespace: 'aws:autoscaling:asg', name: 'MaxSize', value: '1' },
      { namespace: 'aws:elbv2:loadbalancer', name: 'IdleTimeout', value: '300' },
      { namespace: 'aws:elasticbeanstalk:application:environment', name: 'DATABASE_URL', value: '' },
    ],
    loadBalancer: {
      kind: 'application',
      name: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/awseb-AWSEB-X/1',
      listeners: [{ port: 80, protocol: 'HTTP', instancePort: 80, instanceProtocol: 'HTTP', certificate: null }],
      idleTimeoutSeconds: 300,
      stickiness: false,
      backendPolicies: [],
    },
    instances: { running: 1, maxSize: 1 },
    bundle: {
      bucket: 'elasticbeanstalk-us-east-1-123456789012',
      key: 'shop-app/v1.zip',
      nginxFiles: { '.platform/nginx/conf.d/elasticbeanstalk/00_application.conf': GOOD_LOCATION },
      packageJson: JSON.stringify({ dependencies: { 'socket.io': '^4.8.1' } }),
    },
    bundleError: null,
    handshakes: [upgraded()],
  };
}

/** The classic ELB with its default HTTP listener and an HTTPS one. */
export function classicFacts(): DoctorFacts {
  const f = healthyFacts();
  f.options = f.options.map((o) => (o.name === 'LoadBalancerType' ? { ...o, value: 'classic' } : o));
  f.loadBalancer = {
    kind: 'classic',
    name: 'awseb-e-abc-AWSEBLoa-XYZ',
    listeners: [
      { port: 80, protocol: 'HTTP', instancePort: 80, instanceProtocol: 'HTTP', certificate: null },
      { port: 443, protocol: 'HTTPS', instancePort: 80, instanceProtocol: 'HTTP', certificate: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
    ],
    idleTimeoutSeconds: 300,
    stickiness: false,
    backendPolicies: [],
  };
  return f;
}
