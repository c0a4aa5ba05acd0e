/**
 * Everything else found on the boxes, so nothing is silently dropped: listeners, services,
 * PM2 entries, containers, web-server blocks, the firewall, Node.js installs — each mapped to
 * where it went or listed as not mapped with why. Sections the probe could not read become
 * open questions.
 */

import type { EbEnvironment } from '../schema/design.js';
import type { Inventory, Listener } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { isPublicName } from './web-evidence.js';

const DB_PORTS: Record<number, string> = { 5432: 'PostgreSQL → RDS', 3306: 'MySQL/MariaDB → RDS', 6379: 'Redis → ElastiCache', 11211: 'Memcached → ElastiCache' };
const SERVICE_UNITS = /^(nginx|apache2|httpd|postgresql|mysql|mariadb|mysqld|redis|redis-server|memcached)(@.*)?\.service$/;

function listenerDetail(inv: Inventory, l: Listener, envOf: (inv: Inventory, dir: string) => string | undefined): { mapped: boolean; detail: string } {
  const app = inv.apps.find((a) => a.ports.includes(l.port));
  if (app) return { mapped: true, detail: `${app.name}'s port: behind the environment's load balancer and nginx (${envOf(inv, app.dir) ?? 'its environment'})` };
  if (l.port === 80 || l.port === 443) return { mapped: true, detail: 'Web traffic: the load balancer\'s HTTP/HTTPS listeners' };
  const known = DB_PORTS[l.port];
  if (known) return { mapped: true, detail: known };
  if (l.port === 22) return { mapped: false, detail: 'SSH: not opened on AWS; use SSM Session Manager to reach instances' };
  if (l.port === 53 || l.port === 323 || l.port === 68) return { mapped: false, detail: 'System resolver/time/DHCP: provided by the VPC' };
  return { mapped: false, detail: `${l.processName ?? 'unknown process'} on ${l.proto}/${l.port}${l.public ? ' (public)' : ''}: not recognised; review it` };
}

export function coverRest(ctx: MappingContext, inventories: Inventory[], envs: EbEnvironment[]): void {
  const envOf = (inv: Inventory, dir: string) => envs.find((e) => e.sources.some((s) => s.label === inv.target.label && s.dir === dir))?.environmentName;
  for (const inv of inventories) {
    const source = inv.target.label;
    for (const l of inv.listeners) {
      const d = listenerDetail(inv, l, envOf);
      ctx.cover({ ref: `listener:${l.proto}/${l.address}:${l.port}`, source, kind: 'listener', status: d.mapped ? 'mapped' : 'not-mapped', detail: d.detail });
    }
    for (const p of inv.runtimes.pm2.apps) {
      const app = inv.apps.find((a) => a.dir === p.cwd || a.name === p.name);
      const env = app ? envOf(inv, app.dir) : undefined;
      ctx.cover({ ref: `pm2:${p.name}`, source, kind: 'pm2-app', status: env ? 'mapped' : 'not-mapped', detail: env ? `Runs as the Procfile web process of ${env}` : 'No app directory matched this PM2 entry: review it' });
    }
    for (const u of inv.services.units.filter((u) => u.activeState === 'active')) {
      const app = inv.apps.find((a) => u.workingDirectory === a.dir || (u.execStart ?? '').includes(a.dir));
      const env = app ? envOf(inv, app.dir) : undefined;
      const detail = env ? `Runs as the Procfile web process of ${env}` : SERVICE_UNITS.test(u.name) ? 'Replaced by the managed service it fronts or stores for' : 'Operating-system service: Elastic Beanstalk instances run their own';
      ctx.cover({ ref: `unit:${u.name}`, source, kind: 'service', status: env || SERVICE_UNITS.test(u.name) ? 'mapped' : 'not-mapped', detail });
    }
    for (const c of inv.runtimes.docker?.containers ?? []) {
      ctx.cover({ ref: `docker:${c.name}`, source, kind: 'container', status: 'not-mapped', detail: `Container ${c.image}: Skylift maps Node.js apps; move it with EB's Docker platform or ECS` });
    }
    inv.webServers.nginx?.servers.forEach((s, i) => {
      const names = s.serverNames.filter(isPublicName);
      const proxied = s.locations.some((l) => l.proxyPass);
      ctx.cover({ ref: `nginx-server:${i}`, source, kind: 'web-server', status: proxied || names.length > 0 ? 'mapped' : 'not-mapped', detail: proxied ? `${names.join(', ') || 'default server'}: load balancer + the environment's nginx override` : names.length > 0 ? `${names.join(', ')}: static site; its directory is mapped with the app's static files` : 'Catch-all server without a proxy: the load balancer answers unknown hosts' });
    });
    inv.webServers.apache?.vhosts.forEach((v, i) => {
      ctx.cover({ ref: `apache-vhost:${i}`, source, kind: 'web-server', status: v.proxyPass.length > 0 ? 'mapped' : 'not-mapped', detail: v.proxyPass.length > 0 ? `${v.serverName ?? 'default vhost'}: load balancer + the environment's nginx (Apache is not carried over)` : `${v.serverName ?? 'default vhost'}: no proxy to an app; not carried over` });
    });
    inv.runtimes.node.forEach((n, i) => {
      ctx.cover({ ref: `node:${i}`, source, kind: 'runtime', status: 'mapped', detail: `Node.js ${n.version}: the platform branch provides Node.js` });
    });
    ctx.cover({ ref: 'firewall', source, kind: 'firewall', status: 'mapped', detail: `${inv.firewall.tool}${inv.firewall.openPorts ? ` (${inv.firewall.openPorts.join(', ')})` : ''}: security groups admit only the load balancer to instances and only instances to data stores` });
  }
}

export function openQuestionsFromProbe(ctx: MappingContext, inventories: Inventory[]): void {
  for (const inv of inventories) {
    for (const n of inv.notRead) ctx.open({ key: null, text: `${inv.target.label}: ${n.what} was not read (${n.reason}).`, assumption: 'Whatever it would have shown is missing from this plan; re-run the inventory with more privileges or answer the related questions.' });
    for (const s of inv.probe.sections.filter((s) => s.status !== 'ok' && s.status !== 'absent')) {
      ctx.open({ key: null, text: `${inv.target.label}: the ${s.name} section was ${s.status}${s.truncated ? ' (truncated)' : ''}${s.note ? `: ${s.note}` : ''}.`, assumption: 'The plan may miss items from this section.' });
    }
    if (inv.apps.length === 0) ctx.open({ key: null, text: `${inv.target.label}: no Node.js app was found.`, assumption: 'Nothing from this box is deployed to Elastic Beanstalk.' });
  }
}
