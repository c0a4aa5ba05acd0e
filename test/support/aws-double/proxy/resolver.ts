import { Agent } from 'node:http';
import { connect, type NetConnectOpts, type Socket } from 'node:net';
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

/** An http.Agent whose connections go where `resolveEndpoint` says: hand it to http, ws or
 * socket.io-client (`agent` option) to reach an environment by its real host name. */
export function resolvingAgent(world: World): Agent {
  const agent = new Agent({ keepAlive: false });
  const create = (options: NetConnectOpts & { host?: string; port?: number | string }, callback: (err: Error | null, socket?: Socket) => void) => {
    try {
      const target = resolveEndpoint(world, options.host ?? 'localhost', Number(options.port ?? 80));
      return connect({ ...options, host: target.host, port: target.port } as NetConnectOpts);
    } catch (err) {
      callback(err as Error);
      return undefined;
    }
  };
  return Object.assign(agent, { createConnection: create });
}
