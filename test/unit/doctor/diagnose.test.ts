import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/doctor/diagnose.js';
import { classicFacts, DROPPING_LOCATION, healthyFacts, upgraded } from './sample-facts.js';

const ids = (f: ReturnType<typeof healthyFacts>) => diagnose(f).findings.map((x) => x.id);
const LOCATION = '.platform/nginx/conf.d/elasticbeanstalk/00_application.conf';

describe('diagnose', () => {
  it('says a healthy environment is healthy', () => {
    const d = diagnose(healthyFacts());
    expect(d).toMatchObject({ healthy: true, findings: [], ping: { intervalMs: 25_000, fromHandshake: true } });
  });

  it('names the classic layer-7 listeners, with the refused handshake as evidence', () => {
    const f = classicFacts();
    f.handshakes = [{ ...upgraded(), websocket: { status: 400, upgraded: false, error: 'answered 400 instead of 101' }, echo: null }];
    const [finding] = diagnose(f).findings;
    expect(finding).toMatchObject({ id: 'classic-layer7-listener', automatic: true });
    expect(finding!.evidence).toEqual([
      'listener HTTP:80 → HTTP:80',
      'listener HTTPS:443 → HTTP:80 (certificate arn:aws:acm:us-east-1:123456789012:certificate/abc)',
      'WebSocket handshake to http://shop.us-east-1.elasticbeanstalk.com/: HTTP 400',
    ]);
    expect(finding!.fix).toContain('HTTPS:443 → SSL:443');
  });

  it('finds an nginx override that drops the upgrade headers, and its short timeouts', () => {
    const f = healthyFacts();
    f.bundle!.nginxFiles = { [LOCATION]: DROPPING_LOCATION };
    f.handshakes = [{ ...upgraded(), websocket: { status: 200, upgraded: false, error: 'answered 200 instead of 101' }, echo: null }];
    const d = diagnose(f);
    expect(d.findings.map((x) => x.id)).toEqual(['nginx-drops-upgrade', 'nginx-short-timeout']);
    expect(d.findings[0]!.evidence[0]).toBe(`${LOCATION} proxies without proxy_http_version 1.1, proxy_set_header Upgrade $http_upgrade, proxy_set_header Connection upgrade`);
    expect(d.findings[0]!.evidence[1]).toContain('through a load balancer that passes upgrades');
    expect(d.findings[1]!.evidence[0]).toBe(`${LOCATION}: proxy_read_timeout 20 s, proxy_send_timeout 60 s`);
  });

  it('blames the instance when polling works but the upgrade fails behind an ALB, even without override files', () => {
    const f = healthyFacts();
    f.bundle!.nginxFiles = {};
    f.handshakes = [{ ...upgraded(), websocket: { status: 400, upgraded: false, error: 'answered 400' }, echo: null }];
    expect(ids(f)).toEqual(['nginx-drops-upgrade']);
  });

  it('finds an idle timeout shorter than the heartbeat from the open packet', () => {
    const f = healthyFacts();
    f.loadBalancer.idleTimeoutSeconds = 20;
    const [finding] = diagnose(f).findings;
    expect(finding).toMatchObject({ id: 'idle-timeout-short', automatic: true });
    expect(finding!.evidence).toEqual(['ALB attribute idle_timeout.timeout_seconds = 20 s', "the server's Engine.IO open packet says pingInterval 25000 ms, pingTimeout 20000 ms"]);
  });

  it('assumes Socket.IO defaults when no handshake gave the heartbeat', () => {
    const f = healthyFacts();
    f.loadBalancer.idleTimeoutSeconds = 25;
    f.handshakes = [{ ...upgraded(), polling: { ...upgraded().polling, status: 400, opened: false, pingIntervalMs: null, pingTimeoutMs: null } }];
    const d = diagnose(f);
    expect(d.ping).toEqual({ intervalMs: 25_000, timeoutMs: 20_000, fromHandshake: false });
    expect(d.findings.map((x) => x.id)).toEqual(['idle-timeout-short']);
  });

  it('finds stickiness off with a fleet that can grow while polling is allowed, and the missing adapter', () => {
    const f = healthyFacts();
    f.instances = { running: 2, maxSize: 4 };
    f.options.push({ namespace: 'aws:elasticbeanstalk:application:environment', name: 'REDIS_URL', value: '' });
    const d = diagnose(f);
    expect(d.findings.map((x) => x.id)).toEqual(['stickiness-off', 'no-shared-adapter']);
    expect(d.findings[0]).toMatchObject({ automatic: true, evidence: ['2 instance(s) running, Auto Scaling MaxSize 4', 'target group attribute stickiness.enabled = false', expect.stringContaining('polling')] });
    expect(d.findings[1]!.automatic).toBe(false);
    expect(d.findings[1]!.evidence[2]).toBe('environment properties name a cache (REDIS_URL), but no adapter uses it');
  });

  it('is content with stickiness on and a Redis adapter, or polling refused', () => {
    const f = healthyFacts();
    f.instances = { running: 2, maxSize: 4 };
    f.loadBalancer.stickiness = true;
    f.bundle!.packageJson = JSON.stringify({ dependencies: { 'socket.io': '^4', '@socket.io/redis-adapter': '^8' } });
    expect(ids(f)).toEqual([]);
    f.loadBalancer.stickiness = false;
    f.handshakes = [{ ...upgraded(), polling: { ...upgraded().polling, status: 400, opened: false, refused: true } }];
    expect(ids(f)).toEqual([]);
  });

  it('cannot make a classic layer-4 fleet sticky: tells the user what to do by hand', () => {
    const f = classicFacts();
    f.loadBalancer.listeners = [{ port: 80, protocol: 'TCP', instancePort: 80, instanceProtocol: 'TCP', certificate: null }];
    f.instances = { running: 1, maxSize: 3 };
    f.bundle!.packageJson = JSON.stringify({ dependencies: { 'socket.io': '^4', 'socket.io-redis': '^6' } });
    const [finding] = diagnose(f).findings;
    expect(finding).toMatchObject({ id: 'stickiness-off', automatic: false });
    expect(finding!.fix).toContain('transports: ["websocket"]');
  });

  it('finds Proxy Protocol at the load balancer without proxy_protocol in nginx', () => {
    const f = classicFacts();
    f.loadBalancer.listeners = [{ port: 80, protocol: 'TCP', instancePort: 80, instanceProtocol: 'TCP', certificate: null }];
    f.loadBalancer.backendPolicies = [{ instancePort: 80, policies: [{ name: 'EnableProxyProtocol', type: 'ProxyProtocolPolicyType' }] }];
    f.handshakes = [{ ...upgraded(), polling: { ...upgraded().polling, status: 400, opened: false, pingIntervalMs: null }, websocket: { status: 400, upgraded: false, error: 'answered 400' }, echo: null }];
    const d = diagnose(f);
    expect(d.findings.map((x) => x.id)).toEqual(['proxy-protocol-without-nginx']);
    expect(d.findings[0]!.evidence[0]).toBe('instance port 80: EnableProxyProtocol (ProxyProtocolPolicyType)');
    f.bundle!.nginxFiles['.platform/nginx/nginx.conf'] = 'http { server { listen 80 proxy_protocol; } }';
    expect(diagnose(f).findings.map((x) => x.id)).not.toContain('proxy-protocol-without-nginx');
  });

  it('never calls a failing environment healthy', () => {
    const f = healthyFacts();
    f.handshakes = [{ ...upgraded(), echo: { event: 'echo', ok: false, detail: 'no echo' } }];
    expect(ids(f)).toEqual(['handshake-fails']);
  });
});
