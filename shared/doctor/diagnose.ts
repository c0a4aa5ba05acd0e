import { optionOf, SOCKET_IO_DEFAULTS, type DoctorFacts, type HandshakeFacts } from './facts.js';
import { listensWithProxyProtocol, proxyBlocks } from './nginx.js';

/** The causes the doctor knows, each a reason Socket.IO fails (or will) behind Elastic Beanstalk. */
export const CAUSES = [
  'classic-layer7-listener',
  'nginx-drops-upgrade',
  'nginx-short-timeout',
  'idle-timeout-short',
  'stickiness-off',
  'no-shared-adapter',
  'proxy-protocol-without-nginx',
  'handshake-fails',
] as const;
export type CauseId = (typeof CAUSES)[number];

export interface Finding {
  id: CauseId;
  title: string;
  /** What was seen, each line checkable by the user. */
  evidence: string[];
  /** What fixes it, in words. */
  fix: string;
  /** Whether `--fix` carries the fix out (others need a code or architecture change). */
  automatic: boolean;
}

export interface Diagnosis {
  environment: string;
  healthy: boolean;
  findings: Finding[];
  /** The server's heartbeat, from the handshake (or Socket.IO's defaults). */
  ping: { intervalMs: number; timeoutMs: number; fromHandshake: boolean };
}

/** Adapters that share broadcasts between instances. */
const SHARED_ADAPTERS = ['@socket.io/redis-adapter', '@socket.io/redis-streams-adapter', 'socket.io-redis', '@socket.io/postgres-adapter', '@socket.io/mongo-adapter', '@socket.io/gcp-pubsub-adapter', '@socket.io/aws-sqs-adapter'];

const wsStatus = (h: HandshakeFacts) => (h.websocket.status === null ? `no answer (${h.websocket.error ?? 'unknown error'})` : `HTTP ${h.websocket.status}`);
const pollStatus = (h: HandshakeFacts) => (h.polling.status === null ? `no answer (${h.polling.error ?? 'unknown error'})` : `HTTP ${h.polling.status}${h.polling.opened ? ' with an Engine.IO open packet' : ''}`);

export function pingOf(facts: DoctorFacts): Diagnosis['ping'] {
  const open = facts.handshakes.find((h) => h.polling.pingIntervalMs !== null);
  return open
    ? { intervalMs: open.polling.pingIntervalMs!, timeoutMs: open.polling.pingTimeoutMs ?? SOCKET_IO_DEFAULTS.pingTimeoutMs, fromHandshake: true }
    : { intervalMs: SOCKET_IO_DEFAULTS.pingIntervalMs, timeoutMs: SOCKET_IO_DEFAULTS.pingTimeoutMs, fromHandshake: false };
}

function pingEvidence(ping: Diagnosis['ping']): string {
  return ping.fromHandshake
    ? `the server's Engine.IO open packet says pingInterval ${ping.intervalMs} ms, pingTimeout ${ping.timeoutMs} ms`
    : `no handshake gave the server's heartbeat; Socket.IO's defaults assumed (pingInterval ${ping.intervalMs} ms, pingTimeout ${ping.timeoutMs} ms)`;
}

/** Instances the fleet runs now, and may run: a one-instance fleet that scales out breaks the same way. */
export function fleet(facts: DoctorFacts): { multi: boolean; text: string } {
  const single = optionOf(facts, 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance';
  const max = single ? 1 : facts.instances.maxSize;
  return { multi: facts.instances.running > 1 || max > 1, text: `${facts.instances.running} instance(s) running, Auto Scaling MaxSize ${max}` };
}

function classicListeners(facts: DoctorFacts): Finding[] {
  const lb = facts.loadBalancer;
  if (lb.kind !== 'classic') return [];
  const layer7 = lb.listeners.filter((l) => l.protocol === 'HTTP' || l.protocol === 'HTTPS');
  if (layer7.length === 0) return [];
  const refused = facts.handshakes.filter((h) => h.websocket.status === 400);
  return [
    {
      id: 'classic-layer7-listener',
      title: 'The classic load balancer listens at layer 7 (HTTP/HTTPS): it refuses the WebSocket upgrade',
      evidence: [
        ...layer7.map((l) => `listener ${l.protocol}:${l.port} → ${l.instanceProtocol}:${l.instancePort}${l.certificate ? ` (certificate ${l.certificate})` : ''}`),
        ...refused.map((h) => `WebSocket handshake to ${h.url}: ${wsStatus(h)}`),
      ],
      fix: `switch the listeners to layer 4: ${layer7.map((l) => `${l.protocol}:${l.port} → ${l.protocol === 'HTTPS' ? 'SSL' : 'TCP'}:${l.port} (instance TCP:${l.instancePort}${l.certificate ? ', same certificate' : ''})`).join(', ')}; layer 4 no longer adds X-Forwarded-For (Proxy Protocol brings the client address back once nginx listens with proxy_protocol)`,
      automatic: true,
    },
  ];
}

/** Whether the load balancer in front passes upgrades, so a failed handshake is the instance's doing. */
const lbPassesUpgrade = (facts: DoctorFacts) =>
  facts.loadBalancer.kind === 'application' || facts.loadBalancer.kind === 'none' || facts.loadBalancer.listeners.every((l) => l.protocol === 'TCP' || l.protocol === 'SSL');

function nginx(facts: DoctorFacts, ping: Diagnosis['ping']): Finding[] {
  const files = facts.bundle?.nginxFiles ?? {};
  const blocks = proxyBlocks(files);
  const findings: Finding[] = [];
  const dropping = blocks.filter((b) => !b.passesUpgrade);
  // Through a load balancer that passes upgrades, polling answering while the upgrade does not points at the instance.
  const refusedBehind = lbPassesUpgrade(facts) ? facts.handshakes.filter((h) => h.polling.opened && !h.websocket.upgraded) : [];
  if (dropping.length > 0 || (refusedBehind.length > 0 && !findsProxyProtocolMismatch(facts))) {
    findings.push({
      id: 'nginx-drops-upgrade',
      title: 'The nginx on the instances does not pass the WebSocket upgrade to the app',
      evidence: [
        ...dropping.map((b) => `${b.file} proxies without ${b.missing.join(', ')}`),
        ...refusedBehind.map((h) => `${h.url}: polling answered (${pollStatus(h)}) but the WebSocket handshake got ${wsStatus(h)}, through a load balancer that passes upgrades`),
      ],
      fix: 'deploy a new version of the app with a .platform/nginx override that sets proxy_http_version 1.1 and passes the Upgrade and Connection headers',
      automatic: facts.bundle !== null,
    });
  }
  const needed = Math.ceil(ping.intervalMs / 1000);
  const short = blocks.filter((b) => Math.min(b.readTimeoutSeconds, b.sendTimeoutSeconds) <= needed);
  if (short.length > 0) {
    findings.push({
      id: 'nginx-short-timeout',
      title: 'The instance nginx closes quiet connections before the next Socket.IO heartbeat',
      evidence: [...short.map((b) => `${b.file}: proxy_read_timeout ${b.readTimeoutSeconds} s, proxy_send_timeout ${b.sendTimeoutSeconds} s`), pingEvidence(ping)],
      fix: 'deploy a new version with proxy_read_timeout and proxy_send_timeout longer than the heartbeat (the load balancer idle timeout)',
      automatic: facts.bundle !== null,
    });
  }
  return findings;
}

function idleTimeout(facts: DoctorFacts, ping: Diagnosis['ping']): Finding[] {
  const idle = facts.loadBalancer.idleTimeoutSeconds;
  if (idle === null || idle * 1000 > ping.intervalMs) return [];
  return [
    {
      id: 'idle-timeout-short',
      title: 'The load balancer idle timeout is shorter than the Socket.IO heartbeat: quiet connections are cut',
      evidence: [`${facts.loadBalancer.kind === 'application' ? 'ALB attribute idle_timeout.timeout_seconds' : 'classic ELB ConnectionSettings IdleTimeout'} = ${idle} s`, pingEvidence(ping)],
      fix: 'raise the idle timeout (300 s is a common choice), or make the heartbeat shorter',
      automatic: true,
    },
  ];
}

const pollingAllowed = (facts: DoctorFacts) => facts.handshakes.length === 0 || facts.handshakes.some((h) => !h.polling.refused);

function stickiness(facts: DoctorFacts): Finding[] {
  const f = fleet(facts);
  if (!f.multi || !pollingAllowed(facts) || facts.loadBalancer.stickiness === true || facts.loadBalancer.kind === 'none') return [];
  const alb = facts.loadBalancer.kind === 'application';
  return [
    {
      id: 'stickiness-off',
      title: 'Sticky sessions are off with more than one instance while the polling transport is allowed',
      evidence: [
        f.text,
        alb ? 'target group attribute stickiness.enabled = false' : 'classic load balancer without a stickiness policy',
        facts.handshakes.some((h) => h.polling.opened) ? 'the server accepts the polling transport (the polling handshake opened a session)' : 'the server does not refuse the polling transport',
      ],
      fix: alb
        ? 'turn on target group stickiness (lb_cookie): polling requests of one session must reach the instance holding it, else 400 "Session ID unknown"'
        : 'layer-4 listeners cannot be sticky: have the clients use the websocket transport only (transports: ["websocket"]), or move to an Application Load Balancer',
      automatic: alb,
    },
  ];
}

function adapter(facts: DoctorFacts): Finding[] {
  const f = fleet(facts);
  if (!f.multi || facts.bundle?.packageJson == null) return [];
  let deps: string[] = [];
  try {
    const pkg = JSON.parse(facts.bundle.packageJson) as { dependencies?: Record<string, string> };
    deps = Object.keys(pkg.dependencies ?? {});
  } catch {
    return [];
  }
  if (!deps.includes('socket.io') || deps.some((d) => SHARED_ADAPTERS.includes(d))) return [];
  const redisVars = facts.options.filter((o) => o.namespace === 'aws:elasticbeanstalk:application:environment' && /redis|valkey|cache/i.test(o.name)).map((o) => o.name);
  return [
    {
      id: 'no-shared-adapter',
      title: 'More than one instance and no shared Socket.IO adapter: broadcasts reach only the clients of one instance',
      evidence: [
        f.text,
        `package.json depends on socket.io but on none of ${SHARED_ADAPTERS.slice(0, 3).join(', ')}`,
        redisVars.length ? `environment properties name a cache (${redisVars.join(', ')}), but no adapter uses it` : 'no environment property names a Redis endpoint',
      ],
      fix: 'add @socket.io/redis-adapter over an ElastiCache (Redis/Valkey) cluster and io.adapter(createAdapter(pub, sub)) in the app — a code change the doctor does not make',
      automatic: false,
    },
  ];
}

function proxyProtocolPorts(facts: DoctorFacts): number[] {
  return facts.loadBalancer.backendPolicies.filter((b) => b.policies.some((p) => p.type === 'ProxyProtocolPolicyType')).map((b) => b.instancePort);
}

const findsProxyProtocolMismatch = (facts: DoctorFacts) => proxyProtocolPorts(facts).length > 0 && !listensWithProxyProtocol(facts.bundle?.nginxFiles ?? {});

function proxyProtocol(facts: DoctorFacts): Finding[] {
  if (!findsProxyProtocolMismatch(facts)) return [];
  const failing = facts.handshakes.filter((h) => h.polling.status === 400);
  return [
    {
      id: 'proxy-protocol-without-nginx',
      title: 'Proxy Protocol is on at the load balancer but nginx does not expect it: every request gets 400',
      evidence: [
        ...facts.loadBalancer.backendPolicies
          .filter((b) => proxyProtocolPorts(facts).includes(b.instancePort))
          .map((b) => `instance port ${b.instancePort}: ${b.policies.filter((p) => p.type === 'ProxyProtocolPolicyType').map((p) => p.name).join(', ')} (ProxyProtocolPolicyType)`),
        facts.bundle ? 'no listen directive with proxy_protocol in the bundle\'s .platform/nginx files' : 'the deployed bundle could not be read; the platform nginx does not listen with proxy_protocol',
        ...failing.map((h) => `${h.url}: polling handshake got ${pollStatus(h)}`),
      ],
      fix: 'take the Proxy Protocol policy off the instance port (or deploy an nginx.conf that listens with proxy_protocol before turning it on)',
      automatic: true,
    },
  ];
}

/** When the handshake fails and no known cause explains it: never report such an environment healthy. */
function unexplained(facts: DoctorFacts, found: Finding[]): Finding[] {
  const failing = facts.handshakes.filter((h) => !h.websocket.upgraded || (h.echo !== null && !h.echo.ok));
  if (failing.length === 0 || found.some((f) => f.id !== 'no-shared-adapter' && f.id !== 'stickiness-off')) return [];
  return [
    {
      id: 'handshake-fails',
      title: 'The Socket.IO handshake fails for a reason the doctor does not recognise',
      evidence: failing.map((h) => `${h.url}: polling ${pollStatus(h)}, WebSocket ${wsStatus(h)}${h.echo ? `, echo ${h.echo.detail}` : ''}`),
      fix: 'read the environment\'s logs (eb logs) and the app\'s Socket.IO path and CORS settings',
      automatic: false,
    },
  ];
}

/** Every cause the facts show, with its evidence; none means healthy. */
export function diagnose(facts: DoctorFacts): Diagnosis {
  const ping = pingOf(facts);
  const found = [...classicListeners(facts), ...proxyProtocol(facts), ...nginx(facts, ping), ...idleTimeout(facts, ping), ...stickiness(facts), ...adapter(facts)];
  const findings = [...found, ...unexplained(facts, found)];
  return { environment: facts.environment.name, healthy: findings.length === 0, findings, ping };
}
