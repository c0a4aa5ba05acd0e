/**
 * What the box's web server says about an app: the names it serves, whether WebSockets pass
 * through (upgrade headers, long proxy timeouts, ws:// proxies), body-size limits and static
 * locations. A server or vhost belongs to an app when it proxies to one of the app's ports
 * (or, on a box with one app, to any local port).
 */

import type { App, Inventory, NginxLocation, NginxServer } from '../schema/inventory.js';
import type { AppGroup } from './sources.js';
import { fact } from './sources.js';

export interface WebEvidence {
  domains: string[];
  websocket: boolean;
  socketio: boolean;
  redisAdapter: boolean;
  readTimeoutSeconds: number | null;
  /** Paths the box's proxy upgrades to WebSocket. */
  wsPaths: string[];
  clientMaxBodySize: string | null;
  staticLocations: { urlPath: string; dir: string; label: string }[];
  facts: string[];
}

const LOCAL_TARGET = /^(?:https?|wss?):\/\/([^/:]+)(?::(\d+))?/;

/** The port a proxy target points to on this box, via an upstream block if named. */
function targetPorts(inv: Inventory, target: string): number[] {
  const m = LOCAL_TARGET.exec(target);
  if (!m) return [];
  const host = m[1] as string;
  if (m[2]) return ['localhost', '127.0.0.1', '[::1]', '0.0.0.0'].includes(host) ? [Number(m[2])] : [];
  const upstream = inv.webServers.nginx?.upstreams.find((u) => u.name === host);
  return (upstream?.servers ?? []).flatMap((s) => {
    const p = /:(\d+)$/.exec(s);
    return p ? [Number(p[1])] : [];
  });
}

function ownsTarget(inv: Inventory, app: App, target: string): boolean {
  const ports = targetPorts(inv, target);
  if (ports.length === 0) return false;
  return app.ports.length === 0 ? inv.apps.length === 1 : ports.some((p) => app.ports.includes(p));
}

/** A name a certificate can cover: not `_`, not localhost, not an IP address, not a regex. */
export function isPublicName(name: string): boolean {
  return /^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i.test(name) && !/^\d+(\.\d+){3}$/.test(name) && !/\.(local|internal|localhost)$/i.test(name);
}

function nginxEvidence(inv: Inventory, app: App, ev: WebEvidence): void {
  const nginx = inv.webServers.nginx;
  if (!nginx) return;
  nginx.servers.forEach((server: NginxServer, si: number) => {
    const owned = server.locations.filter((l: NginxLocation) => l.proxyPass && ownsTarget(inv, app, l.proxyPass));
    if (owned.length === 0) return;
    ev.domains.push(...server.serverNames.filter(isPublicName).map((n) => n.toLowerCase()));
    ev.clientMaxBodySize ??= server.clientMaxBodySize ?? nginx.clientMaxBodySize;
    for (const loc of owned) {
      const where = `webServers.nginx.servers[${si}].locations[${loc.path}]`;
      if (loc.websocketUpgrade) {
        ev.websocket = true;
        ev.wsPaths.push(loc.path);
        ev.facts.push(fact(inv, `${where}.websocketUpgrade`, true));
      }
      const t = Math.max(loc.proxyReadTimeoutSeconds ?? 0, loc.proxySendTimeoutSeconds ?? 0);
      if (t > 60) {
        ev.readTimeoutSeconds = Math.max(ev.readTimeoutSeconds ?? 0, t);
        ev.facts.push(fact(inv, `${where}.proxyReadTimeoutSeconds`, t));
      }
      ev.clientMaxBodySize = loc.clientMaxBodySize ?? ev.clientMaxBodySize;
    }
    for (const loc of server.locations) {
      const dir = loc.alias ?? loc.root;
      if (!loc.proxyPass && dir && loc.path !== '/') ev.staticLocations.push({ urlPath: loc.path, dir, label: inv.target.label });
    }
  });
}

function apacheEvidence(inv: Inventory, app: App, ev: WebEvidence): void {
  const apache = inv.webServers.apache;
  if (!apache) return;
  apache.vhosts.forEach((vhost, vi) => {
    if (!vhost.proxyPass.some((p) => ownsTarget(inv, app, p.target))) return;
    ev.domains.push(...[vhost.serverName, ...vhost.serverAliases].filter((n): n is string => n !== null && isPublicName(n)).map((n) => n.toLowerCase()));
    if (vhost.websocketProxy) {
      ev.websocket = true;
      ev.wsPaths.push(...vhost.proxyPass.filter((p) => /^wss?:/.test(p.target)).map((p) => p.path));
      ev.facts.push(fact(inv, `webServers.apache.vhosts[${vi}].websocketProxy`, true));
    }
  });
}

export function webEvidence(group: AppGroup): WebEvidence {
  const ev: WebEvidence = {
    domains: [],
    websocket: false,
    socketio: false,
    redisAdapter: false,
    readTimeoutSeconds: null,
    wsPaths: [],
    clientMaxBodySize: null,
    staticLocations: [],
    facts: [],
  };
  for (const { inv, app } of group.members) {
    if (app.flags.socketio) ev.facts.push(fact(inv, `apps[${app.name}].flags.socketio`, true));
    if (app.flags.ws) ev.facts.push(fact(inv, `apps[${app.name}].flags.ws`, true));
    if (app.flags.socketioRedisAdapter) ev.facts.push(fact(inv, `apps[${app.name}].flags.socketioRedisAdapter`, true));
    ev.socketio ||= app.flags.socketio;
    ev.websocket ||= app.flags.socketio || app.flags.ws;
    ev.redisAdapter ||= app.flags.socketioRedisAdapter;
    nginxEvidence(inv, app, ev);
    apacheEvidence(inv, app, ev);
  }
  ev.domains = [...new Set(ev.domains)].sort();
  const seen = new Set<string>();
  ev.staticLocations = ev.staticLocations.filter((s) => !seen.has(s.urlPath) && seen.add(s.urlPath));
  return ev;
}
