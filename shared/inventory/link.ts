import type { App, Inventory, Listener, Nginx, Process } from '../schema/inventory.js';
import { blankApp } from './blank-app.js';

/**
 * Cross-links a parsed draft once every section has filled its part: which ports each app
 * listens on (listener → pid → the app's processes), and which app each nginx `proxy_pass`
 * reaches (target port → listener → process → app; an app seen only that way is added from the
 * process's working directory). Total: any draft, however partial, is linked as far as it goes.
 */
export function linkInventory(draft: Inventory): void {
  try {
    link(draft);
  } catch (err) {
    draft.notRead.push({ what: 'links between apps, ports and nginx', reason: `linking failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}

const LOCAL_HOSTS = /^(localhost|127(\.\d+){3}|\[?::1\]?|0\.0\.0\.0|\[?::\]?|\*)$/i;

/** Ports a proxy_pass target reaches on this box: `http://127.0.0.1:3000/x`, or an upstream's local servers. */
export function proxyTargetPorts(target: string, upstreams: Nginx['upstreams']): number[] {
  const m = /^(?:https?|grpcs?|uwsgi):\/\/(\[[^\]]*\]|[^/:]+)(?::(\d+))?/i.exec(target.trim());
  if (!m) return [];
  const host = m[1]!;
  if (m[2] !== undefined) return LOCAL_HOSTS.test(host) ? [Number(m[2])] : [];
  const upstream = upstreams.find((u) => u.name === host);
  if (!upstream) return [];
  return upstream.servers.flatMap((s) => {
    const sm = /^(\[[^\]]*\]|[^:]+):(\d+)$/.exec(s);
    return sm && LOCAL_HOSTS.test(sm[1]!) ? [Number(sm[2])] : [];
  });
}

/** The roots and their descendants, down through children that share the app's directory (or hide their cwd). */
function descendants(roots: Iterable<number>, processes: readonly Process[], dir: string): Set<number> {
  const children = new Map<number, Process[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (out.has(pid)) continue;
    out.add(pid);
    for (const child of children.get(pid) ?? []) if (child.cwd === null || within(dir, child.cwd)) queue.push(child.pid);
  }
  return out;
}

function within(dir: string, path: string | null | undefined): boolean {
  return !!path && (path === dir || path.startsWith(`${dir.replace(/\/+$/, '')}/`));
}

function appPids(app: App, draft: Inventory): Set<number> {
  const roots = new Set<number>();
  for (const p of draft.processes) if (p.cwd === app.dir) roots.add(p.pid);
  for (const a of draft.runtimes.pm2.apps) {
    // The name alone only when PM2 gave no directory: separate PM2 homes may reuse a name.
    if (a.pid !== null && (a.cwd === app.dir || within(app.dir, a.script) || (a.cwd === null && a.name === app.name))) roots.add(a.pid);
  }
  return descendants(roots, draft.processes, app.dir);
}

function addPort(app: App, port: number): void {
  if (!app.ports.includes(port)) app.ports.push(port);
  app.ports.sort((a, b) => a - b);
}

function isLocalListener(l: Listener): boolean {
  return l.proto === 'tcp' && (LOCAL_HOSTS.test(l.address) || l.public);
}

function link(draft: Inventory): void {
  const tcp = draft.listeners.filter((l) => l.proto === 'tcp');
  const pidsOf = new Map<App, Set<number>>();
  for (const app of draft.apps) {
    const pids = appPids(app, draft);
    pidsOf.set(app, pids);
    for (const l of tcp) if (l.pid !== null && pids.has(l.pid)) addPort(app, l.port);
  }

  const nginx = draft.webServers.nginx;
  if (!nginx) return;
  const ports = new Set<number>();
  for (const server of nginx.servers) {
    for (const loc of server.locations) if (loc.proxyPass) for (const p of proxyTargetPorts(loc.proxyPass, nginx.upstreams)) ports.add(p);
  }
  const processByPid = new Map(draft.processes.map((p) => [p.pid, p]));
  for (const port of ports) {
    const owners = tcp.filter((l) => l.port === port && isLocalListener(l));
    if (owners.length === 0) continue;
    const pid = owners.find((l) => l.pid !== null)?.pid ?? null;
    if (pid === null) {
      draft.notRead.push({ what: `the app behind nginx on port ${port}`, reason: 'the listening process is not visible without root or sudo' });
      continue;
    }
    const cwd = processByPid.get(pid)?.cwd;
    const dir = cwd && cwd !== '/' ? cwd : null;
    const app =
      draft.apps.find((a) => pidsOf.get(a)?.has(pid)) ?? draft.apps.find((a) => a.ports.includes(port)) ?? draft.apps.find((a) => a.dir === dir);
    if (app) {
      addPort(app, port);
      if (!app.foundBy.includes('nginx')) app.foundBy.push('nginx');
      continue;
    }
    if (dir === null) {
      draft.notRead.push({ what: `the app behind nginx on port ${port} (pid ${pid})`, reason: 'its working directory could not be read' });
      continue;
    }
    const added = blankApp(dir.replace(/\/+$/, '').split('/').pop() || dir, dir, ['nginx']);
    added.ports.push(port);
    draft.apps.push(added);
    pidsOf.set(added, descendants([pid], draft.processes, dir));
  }
}
