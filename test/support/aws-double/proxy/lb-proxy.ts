import { createServer as createHttpServer, request as httpRequest, STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { issuedCertificate } from '../services/acm.js';
import { idleTimeoutSeconds, type LbRecord } from '../services/load-balancers.js';
import type { Endpoint, World } from '../world.js';
import type { IssuedCertificate } from './test-ca.js';

/** How a listener port behaves now. A classic HTTP/HTTPS listener is layer 7 and refuses the
 * WebSocket upgrade (the 400 behind so many Socket.IO-on-EB reports); TCP/SSL pass bytes; an ALB
 * (HTTP/HTTPS) passes the upgrade. HTTPS and SSL terminate TLS with the listener's ACM
 * certificate; the instance side is always plain (the stand-in instances speak plain HTTP). */
interface Mode {
  layer: 'http-classic' | 'http-alb' | 'tcp';
  /** Set for HTTPS/SSL: the listener's certificate ARN ('' when it names none). */
  certificateArn: string | null;
}

const LAYERS: Record<LbRecord['kind'], Record<string, Mode['layer']>> = {
  classic: { HTTP: 'http-classic', HTTPS: 'http-classic', TCP: 'tcp', SSL: 'tcp' },
  application: { HTTP: 'http-alb', HTTPS: 'http-alb' },
};

function listenerAt(lb: LbRecord, port: number): { protocol: string; certificate: string | undefined } | undefined {
  if (lb.kind === 'classic') {
    const l = lb.classic.listeners.find((x) => x.LoadBalancerPort === port);
    return l && { protocol: l.Protocol?.toUpperCase() ?? '', certificate: l.SSLCertificateId };
  }
  const l = lb.application.listeners.find((x) => x.Port === port);
  return l && { protocol: l.Protocol ?? '', certificate: l.Certificates?.[0]?.CertificateArn };
}

function modeOf(lb: LbRecord, port: number): Mode | undefined {
  const listener = listenerAt(lb, port);
  const layer = listener && LAYERS[lb.kind][listener.protocol];
  if (!listener || !layer) return undefined;
  return { layer, certificateArn: listener.protocol === 'HTTPS' || listener.protocol === 'SSL' ? (listener.certificate ?? '') : null };
}

/** An ALB listener whose default action answers by itself (a maintenance 503), instead of forwarding. */
function fixedResponse(lb: LbRecord, port: number): { status: number; contentType: string; body: string } | undefined {
  if (lb.kind !== 'application') return undefined;
  const action = lb.application.listeners.find((x) => x.Port === port)?.DefaultActions?.[0];
  const config = action?.Type === 'fixed-response' ? action.FixedResponseConfig : undefined;
  return config && { status: Number(config.StatusCode), contentType: config.ContentType ?? 'text/plain', body: config.MessageBody ?? '' };
}

function proxiedPorts(lb: LbRecord): number[] {
  const ports = lb.kind === 'classic' ? lb.classic.listeners.map((l) => l.LoadBalancerPort!) : lb.application.listeners.map((l) => l.Port!);
  return ports.filter((p) => modeOf(lb, p) !== undefined);
}

interface Listener {
  server: Server;
  http: HttpServer;
  port: number;
  sockets: Set<Socket>;
}

const PROXY_PROTOCOL = 'ProxyProtocolPolicyType';

/** Local stand-ins for load balancer listeners: one loopback port per listener, in front of the
 * environment's app process, following the listener configuration at each new connection. */
export class LbProxies {
  private listeners = new Map<string, Listener>();
  private contexts = new WeakMap<Promise<IssuedCertificate>, Promise<SecureContext>>();

  constructor(private readonly world: World) {}

  /** The TLS context of a listener's certificate, or nothing when ACM has no issued certificate by that ARN (in the load balancer's account and region). */
  private secureContext(lb: LbRecord, arn: string): Promise<SecureContext> | undefined {
    const issued = issuedCertificate(this.world, lb.account, lb.region, arn);
    if (!issued) return undefined;
    let context = this.contexts.get(issued);
    if (!context) this.contexts.set(issued, (context = issued.then(({ key, cert }) => createSecureContext({ key, cert }))));
    return context;
  }

  /** Starts and stops listener proxies to match the load balancer's configuration. */
  async sync(lb: LbRecord): Promise<void> {
    const wanted = new Set(lb.active ? proxiedPorts(lb).map((p) => `${lb.arn}|${p}`) : []);
    for (const [key, listener] of this.listeners) {
      if (key.startsWith(`${lb.arn}|`) && !wanted.has(key)) {
        this.listeners.delete(key);
        await stop(listener);
      }
    }
    for (const key of wanted) {
      if (!this.listeners.has(key)) this.listeners.set(key, await this.start(lb, Number(key.split('|')[1])));
    }
  }

  localPort(lb: LbRecord, port: number): number | undefined {
    return this.listeners.get(`${lb.arn}|${port}`)?.port;
  }

  async closeAll(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map(stop));
  }

  private count(lb: LbRecord, name: string): void {
    lb.metrics.push({ at: this.world.clock.now(), name });
  }

  private statusMetric(lb: LbRecord, source: 'ELB' | 'Backend', status: number): string {
    const klass = `${Math.floor(status / 100)}XX`;
    if (lb.kind === 'classic') return `HTTPCode_${source}_${klass}`;
    return `HTTPCode_${source === 'ELB' ? 'ELB' : 'Target'}_${klass}_Count`;
  }

  private backend(lb: LbRecord): Endpoint | undefined {
    return this.world.backends.apps.get(lb.environmentName);
  }

  private idleMs(lb: LbRecord): number {
    return Math.max(1, this.world.clock.toRealMs(idleTimeoutSeconds(lb) * 1000));
  }

  private async start(lb: LbRecord, port: number): Promise<Listener> {
    const sockets = new Set<Socket>();
    const http = createHttpServer((req, res) => {
      this.count(lb, 'RequestCount');
      const backend = this.backend(lb);
      const reply = (status: number, text: string) => {
        this.count(lb, this.statusMetric(lb, 'ELB', status));
        res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text) }).end(text);
      };
      const fixed = fixedResponse(lb, port);
      if (fixed) {
        this.count(lb, this.statusMetric(lb, 'ELB', fixed.status));
        return void res.writeHead(fixed.status, { 'content-type': fixed.contentType, 'content-length': Buffer.byteLength(fixed.body) }).end(fixed.body);
      }
      if (!backend) return reply(503, '503 Service Temporarily Unavailable');
      const upstream = httpRequest(
        { host: backend.host, port: backend.port, method: req.method, path: req.url, headers: forwardedHeaders(req, port) },
        (upRes) => {
          this.count(lb, this.statusMetric(lb, 'Backend', upRes.statusCode ?? 502));
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      upstream.on('error', () => (res.headersSent ? res.destroy() : reply(502, '502 Bad Gateway')));
      req.pipe(upstream);
    });
    // The listener's own idle timeout governs keep-alive, not Node's 5 s default.
    http.keepAliveTimeout = 0;
    http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.count(lb, 'RequestCount');
      const backend = this.backend(lb);
      const fixed = fixedResponse(lb, port);
      if (modeOf(lb, port)?.layer === 'http-classic' || !backend || fixed) {
        const status = fixed?.status ?? (backend ? 400 : 503);
        this.count(lb, this.statusMetric(lb, 'ELB', status));
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return;
      }
      // Written at once and piped at once: a client that leaves before the app answers takes the upstream connection with it.
      const upstream = connect(backend.port, backend.host);
      const lines = Object.entries(forwardedHeaders(req, port)).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : v === undefined ? [] : [`${k}: ${v}`]));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      this.pipe(lb, socket, upstream);
    });
    const server = createServer((raw) => {
      const mode = modeOf(lb, port);
      if (!mode) return void raw.destroy();
      const serve = (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.setTimeout(this.idleMs(lb), () => socket.destroy());
        if (mode.layer === 'tcp') this.tcp(lb, socket, raw, port);
        else http.emit('connection', socket);
      };
      if (mode.certificateArn === null) return serve(raw);
      // No issued certificate: the connection closes before the handshake completes.
      const context = this.secureContext(lb, mode.certificateArn);
      if (!context) return void raw.destroy();
      sockets.add(raw);
      raw.on('close', () => sockets.delete(raw));
      raw.on('error', () => raw.destroy());
      raw.pause();
      context.then(
        (secureContext) => {
          const tls = new TLSSocket(raw, { isServer: true, secureContext });
          tls.on('error', () => tls.destroy());
          serve(tls);
          raw.resume();
        },
        () => raw.destroy(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return { server, http, port: (server.address() as AddressInfo).port, sockets };
  }

  /** `raw` is the client's TCP connection (the same socket unless TLS was terminated on it). */
  private tcp(lb: LbRecord, socket: Socket, raw: Socket, port: number): void {
    const backend = this.backend(lb);
    if (!backend) return void socket.destroy();
    const upstream = connect(backend.port, backend.host);
    const listener = lb.classic.listeners.find((l) => l.LoadBalancerPort === port);
    const names = lb.classic.backendPolicies.get(listener?.InstancePort ?? -1) ?? [];
    if (lb.classic.policies.some((p) => names.includes(p.PolicyName!) && p.PolicyTypeName === PROXY_PROTOCOL)) {
      upstream.write(`PROXY TCP4 ${raw.remoteAddress?.replace('::ffff:', '')} ${raw.localAddress?.replace('::ffff:', '')} ${raw.remotePort} ${port}\r\n`);
    }
    this.pipe(lb, socket, upstream);
  }

  /** Both directions, closed together, and closed when idle longer than the LB's idle timeout. */
  private pipe(lb: LbRecord, client: Socket, upstream: Socket): void {
    const idle = this.idleMs(lb);
    for (const s of [client, upstream]) s.setTimeout(idle, () => (client.destroy(), upstream.destroy()));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // A side that goes away mid-write (a client hanging up right after the 101) ends both, not the process.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  }
}

function forwardedHeaders(req: IncomingMessage, port: number) {
  const client = req.socket.remoteAddress?.replace('::ffff:', '') ?? '';
  const prior = req.headers['x-forwarded-for'];
  return {
    ...req.headers,
    'x-forwarded-for': prior ? `${String(prior)}, ${client}` : client,
    'x-forwarded-proto': req.socket instanceof TLSSocket ? 'https' : 'http',
    'x-forwarded-port': String(port),
  };
}

async function stop(listener: Listener): Promise<void> {
  for (const s of listener.sockets) s.destroy();
  await new Promise<void>((resolve) => listener.server.close(() => resolve()));
}
