/**
 * The write freeze on each box that holds an app or a moved database: with nginx in front of the
 * app, every request gets 503 with Retry-After from a maintenance include dropped into the
 * server blocks that proxy to it (the apps keep running until the switch); without nginx the
 * apps are stopped. The moved databases are made read-only in both cases.
 */

import type { EbEnvironment, RdsInstance, WriteFreeze } from '../schema/design.js';
import type { Inventory, NginxServer } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { fact } from './sources.js';

/** What runs inside the freeze: a catch-up that does not grow with the data, or the dump path's full copy that does. */
export function insideFreeze(dbs: RdsInstance[]): string {
  const dumped = dbs.filter((db) => db.copyMethod === 'dump').map((db) => db.id);
  return dumped.length === 0
    ? 'Inside the freeze only work that does not grow with the data runs: the replication catch-up, counts, the switch.'
    : `The final sync of ${dumped.join(', ')} repeats the whole dump inside the freeze, so the freeze grows with the data; replication would leave only a catch-up there.`;
}

/** A name a client can ask for: not `_`, a wildcard, a regex or a bare word. */
const usableName = (name: string) => /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(name);

type Check = NonNullable<NonNullable<WriteFreeze['nginx']>['check']>;

/** Where the box checks the 503 itself: the first named server (over TLS when it listens with it), sent to its listener, whatever DNS says. */
function check(servers: NginxServer[]): Check | null {
  for (const ssl of [true, false]) {
    for (const s of servers) {
      const listen = s.listen.find((l) => l.ssl === ssl);
      const name = s.serverNames.find(usableName);
      if (!listen || !name) continue;
      const port = listen.port === (ssl ? 443 : 80) ? '' : `:${listen.port}`;
      const address = listen.address && /^\d+\.\d+\.\d+\.\d+$/.test(listen.address) && listen.address !== '0.0.0.0' ? listen.address : '127.0.0.1';
      return { url: `${ssl ? 'https' : 'http'}://${name}${port}/`, name, port: listen.port, address };
    }
  }
  return null;
}

function boxFreeze(ctx: MappingContext, inv: Inventory, dbs: RdsInstance[]): WriteFreeze {
  const label = inv.target.label;
  const nginx = inv.webServers.nginx;
  // Server blocks that proxy to an app, and the HTTP→HTTPS redirects in front of them: both get the include.
  const front = (nginx?.servers ?? []).filter((s) => s.file !== null && (s.locations.some((l) => l.proxyPass !== null) || s.redirectsToHttps));
  const proxying = front.filter((s) => s.locations.some((l) => l.proxyPass !== null));
  const usable = nginx?.configRead === true && nginx.configFile !== null && proxying.length > 0;
  const files = [...new Set(front.map((s) => s.file as string))];
  const readOnly = dbs.map((d) => `${d.engine} on port ${d.source.port}`);
  ctx.decide({
    id: `freeze.${label}`,
    area: 'general',
    title: `Write freeze on ${label}`,
    value: usable ? `nginx answers 503 with Retry-After${readOnly.length > 0 ? '; databases read-only' : ''}` : `apps stopped${readOnly.length > 0 ? '; databases read-only' : ''}`,
    reason: [
      usable
        ? `nginx proxies to the app from ${files.join(', ')}: a maintenance include makes every request get 503 with Retry-After (config tested with nginx -t before the reload, removed by the undo). The app processes keep running until the switch, so undoing the freeze is instant.`
        : 'No nginx server block proxying to the app was read, so clients reach the app directly: the apps are stopped for the freeze.',
      readOnly.length > 0 ? `The moved databases (${readOnly.join(', ')}) are made read-only, which also stops writes from cron jobs and admin tools; open write transactions get a few seconds to finish before their sessions are ended.` : '',
      insideFreeze(dbs),
    ].filter((x) => x.length > 0).join(' '),
    facts: nginx ? [fact(inv, 'webServers.nginx.configFile', nginx.configFile), ...proxying.map((s) => fact(inv, `webServers.nginx.servers[${s.serverNames.join(' ') || '_'}].file`, s.file))] : [fact(inv, 'webServers.nginx', null)],
    alternatives: usable ? [{ value: 'stop the apps', why: 'Clients get connection errors instead of a 503 they can retry, and the undo has to start the apps again.' }] : [{ value: 'nginx maintenance page', why: 'Needs nginx in front of the app; put one there before the cutover to serve a 503 with Retry-After.' }],
  });
  return { label, nginx: usable && nginx.configFile ? { configFile: nginx.configFile, files, check: check(proxying) } : null };
}

export function mapFreeze(ctx: MappingContext, inventories: Inventory[], environments: EbEnvironment[], databases: RdsInstance[]): WriteFreeze[] {
  const labels = new Set([...environments.flatMap((e) => e.sources.map((s) => s.label)), ...databases.map((d) => d.source.label)]);
  return inventories.filter((inv) => labels.has(inv.target.label)).map((inv) => boxFreeze(ctx, inv, databases.filter((d) => d.source.label === inv.target.label)));
}
