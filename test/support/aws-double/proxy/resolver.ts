import { Agent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { environmentByCname } from '../services/eb-state.js';
import { lbProxies, lbState, type LbRecord } from '../services/load-balancers.js';
import { recordsNamed } from '../services/route53.js';
import type { Endpoint, World } from '../world.js';

const netError = (code: string, message: string) => Object.assign(new Error(message), { code });

function loadBalancerNamed(world: World, name: string): LbRecord | undefined {
  for (const { state } of world.all<ReturnType<typeof lbState>>('lb')) {
    for (const lb of state.byName.values()) if (lb.dnsName === name || `dualstack.${lb.dnsName}` === name) return lb;
  }
  return undefined;
}

/** Resolves a host name the way public DNS would for the double's resources — Route 53 records
 * (CNAME, alias, highest-weighted first) down to an EB environment or load balancer — and then
 * the listener port to the loopback port of its proxy. Never touches the system resolver. */
export function resolveEndpoint(world: World, host: string, port: number): Endpoint {
  let name = host.toLowerCase().replace(/\.$/, '');
  for (let hop = 0; hop < 10; hop++) {
    const env = environmentByCname(world, name);
    const lb = env ? (env.resources?.lb ?? env.resources?.instanceProxy) : loadBalancerNamed(world, name);
    if (lb) {
      const local = lb.active ? lbProxies(world).localPort(lb, port) : undefined;
      if (local === undefined) throw netError('ECONNREFUSED', `connect ECONNREFUSED ${name}:${port} (no listener on that port, or not yet active)`);
      return { host: '127.0.0.1', port: local };
    }
    const records = recordsNamed(world, name)
      .filter((r) => r.Type === 'CNAME' || (r.Type === 'A' && r.AliasTarget))
      .filter((r) => r.Weight === undefined || r.Weight > 0)
      .sort((a, b) => (b.Weight ?? 0) - (a.Weight ?? 0));
    const next = records[0];
    if (!next) break;
    name = (next.AliasTarget?.DNSName ?? next.ResourceRecords?.[0]?.Value ?? '').toLowerCase().replace(/\.$/, '');
  }
  throw netError('ENOTFOUND', `getaddrinfo ENOTFOUND ${host} (not a name the AWS double serves)`);
}

type Connect = (options: NetConnectOpts & ConnectionOptions & { host?: string; port?: number | string }, callback: (err: Error | null, socket?: Socket) => void) => Socket | undefined;

/** Points an agent's connections where `resolveEndpoint` says, keeping the name it was asked for (SNI, certificate check). */
function resolving<A extends Agent>(world: World, agent: A, open: (options: NetConnectOpts & ConnectionOptions, host: string) => Socket): A {
  const create: Connect = (options, callback) => {
    const host = options.host ?? 'localhost';
    try {
      const target = resolveEndpoint(world, host, Number(options.port ?? (agent instanceof HttpsAgent ? 443 : 80)));
      return open({ ...options, host: target.host, port: target.port } as NetConnectOpts & ConnectionOptions, host);
    } catch (err) {
      callback(err as Error);
      return undefined;
    }
  };
  return Object.assign(agent, { createConnection: create });
}

/** An http.Agent whose connections go where `resolveEndpoint` says: hand it to http, ws or
 * socket.io-client (`agent` option) to reach an environment by its real host name. */
export function resolvingAgent(world: World): Agent {
  return resolving(world, new Agent({ keepAlive: false }), (options) => connect(options));
}

/** The same for https, wss and Socket.IO over TLS; the certificate is checked against the name
 * asked for, so pass `{ ca: double.caCert }` to trust the double's CA. */
export function resolvingHttpsAgent(world: World, options: HttpsAgentOptions = {}): HttpsAgent {
  return resolving(world, new HttpsAgent({ keepAlive: false, ...options }), (o, host) => tlsConnect({ ...o, servername: o.servername || host }));
}
