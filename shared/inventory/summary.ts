import type { Inventory } from '../schema/inventory.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function formatBytes(n: number | null): string {
  if (n === null) return 'unknown';
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

const v = (x: string | number | null | undefined): string => (x === null || x === undefined || x === '' ? '?' : String(x));

function section(title: string, lines: string[]): string[] {
  return lines.length ? ['', `${title}:`, ...lines.map((l) => `  ${l}`)] : [];
}

/** The readable summary `skylift inventory` prints by default. Never holds a secret value. */
export function summarizeInventory(inv: Inventory): string {
  const h = inv.host;
  const out: string[] = [
    `Inventory of ${inv.target.label} (${inv.target.transport}), read as ${v(inv.probe.user)} [${inv.probe.privilege}] in ${v(inv.probe.durationMs)} ms`,
    `Host: ${v(h.hostname)} — ${v(h.os.prettyName)}, kernel ${v(h.kernel)} ${v(h.arch)}; provider ${h.provider.name}` +
      (h.provider.evidence.length ? ` (${h.provider.evidence.join(', ')})` : ''),
    `      ${v(h.cpus)} CPUs, ${formatBytes(h.memoryBytes)} RAM, ${formatBytes(h.swapBytes)} swap, load ${h.loadAverage?.join(' ') ?? '?'}, timezone ${v(h.timezone)}`,
  ];
  out.push(
    ...section(
      'Disks',
      h.mounts.map((m) => `${m.mountpoint} (${m.fstype}) ${formatBytes(m.usedBytes)} used of ${formatBytes(m.sizeBytes)}`),
    ),
  );
  const rt = inv.runtimes;
  out.push(
    ...section('Runtimes', [
      ...rt.node.map((n) => `node ${n.version} (${n.manager}) ${n.path}`),
      ...rt.tools.map((t) => `${t.name} ${t.version}`),
      ...(rt.docker ? [`docker: ${rt.docker.containers.length} container(s)`] : []),
    ]),
  );
  out.push(
    ...section(
      'PM2 apps',
      rt.pm2.apps.map((a) => `${a.name} [${v(a.status)}] user ${v(a.user)}, ${v(a.cwd)} ${v(a.script)} (${a.source})`),
    ),
  );
  out.push(
    ...section(
      'Apps',
      inv.apps.map((a) => {
        const flags = Object.entries(a.flags)
          .filter(([, on]) => on)
          .map(([k]) => k);
        const pkg = a.packageJson;
        return [
          `${a.name} in ${a.dir} (found by ${a.foundBy.join(', ')})`,
          pkg ? `package ${v(pkg.name)}@${v(pkg.version)}, engines.node ${v(pkg.enginesNode)}, start ${v(pkg.startScript)}` : 'no package.json read',
          `ports ${a.ports.join(', ') || 'none seen'}; uses ${flags.join(', ') || 'nothing notable'}`,
          `env names: ${a.envNames.map((e) => e.name + (e.secret ? ' (secret)' : '')).join(', ') || 'none'}`,
          ...a.writableDirs.map((d) => `writable state: ${d.path} (${formatBytes(d.sizeBytes)}, ${v(d.files)} files)`),
          ...(a.git ? [`git ${v(a.git.remote)} @ ${v(a.git.commit?.slice(0, 12))} (${v(a.git.branch)})`] : []),
        ].join('\n    ');
      }),
    ),
  );
  out.push(
    ...section(
      'Listening',
      inv.listeners.map((l) => `${l.proto}/${l.port} on ${l.address}${l.public ? ' (public)' : ''} → ${v(l.processName)} ${l.pid ?? ''}`.trimEnd()),
    ),
  );
  const nginx = inv.webServers.nginx;
  if (nginx) {
    out.push(
      ...section(
        `nginx ${v(nginx.version)}${nginx.configRead ? '' : ' (config not read)'}`,
        nginx.servers.flatMap((s) => [
          `server ${s.serverNames.join(' ') || '_'} listen ${s.listen.map((l) => l.port + (l.ssl ? ' ssl' : '')).join(', ')}`,
          ...s.locations.map(
            (l) =>
              `  location ${l.path}${l.proxyPass ? ` → ${l.proxyPass}` : ''}${l.websocketUpgrade ? ' [websocket upgrade]' : ''}` +
              (l.proxyReadTimeoutSeconds !== null ? ` read timeout ${l.proxyReadTimeoutSeconds}s` : ''),
          ),
        ]),
      ),
    );
  }
  const apache = inv.webServers.apache;
  if (apache) {
    out.push(
      ...section(
        `apache ${v(apache.version)}${apache.wstunnelLoaded ? ' (mod_proxy_wstunnel)' : ''}`,
        apache.vhosts.map((vh) => `${v(vh.serverName)}:${v(vh.port)}${vh.ssl ? ' ssl' : ''} ${vh.proxyPass.map((p) => `${p.path} → ${p.target}`).join(', ')}`),
      ),
    );
  }
  out.push(
    ...section(
      'TLS certificates',
      inv.tls.certificates.map((c) => `${c.names.join(', ') || v(c.subject)} — ${v(c.issuer)}, expires ${v(c.notAfter)} (${c.path})`),
    ),
  );
  out.push(
    ...section('Databases', [
      ...inv.databases.postgres.map(
        (p) =>
          `PostgreSQL ${v(p.version)} port ${v(p.port)} data ${v(p.dataDir)} wal_level ${v(p.walLevel)}` +
          (p.unreadable ? ` — not read: ${p.unreadable}` : '') +
          p.databases.map((d) => `\n    ${d.name} (${formatBytes(d.sizeBytes)}, owner ${v(d.owner)})${d.extensions.length ? ' ext: ' + d.extensions.map((e) => e.name).join(', ') : ''}`).join(''),
      ),
      ...inv.databases.mysql.map(
        (m) =>
          `${m.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${v(m.version)} port ${v(m.port)} binlog ${m.binlog ? (m.binlog.enabled ? `on (${v(m.binlog.format)})` : 'off') : '?'} server_id ${v(m.serverId)}` +
          (m.unreadable ? ` — not read: ${m.unreadable}` : '') +
          m.schemas
            .map((s) => `\n    ${s.name} (${formatBytes(s.sizeBytes)}, ${s.tables} tables: ${Object.entries(s.engines).map(([e, n]) => `${e} ${n}`).join(', ')})`)
            .join(''),
      ),
    ]),
  );
  out.push(
    ...section('Caches', [
      ...inv.caches.redis.map(
        (r) =>
          `Redis ${v(r.version)} port ${v(r.port)} used ${formatBytes(r.usedMemoryBytes)}, policy ${v(r.maxmemoryPolicy)}, ` +
          `persistence ${r.persistence ? [r.persistence.rdb && 'RDB', r.persistence.aof && 'AOF'].filter(Boolean).join('+') || 'none' : '?'}, ` +
          `keys ${r.keyspace.map((k) => `db${k.db}=${k.keys}`).join(' ') || 'none'}` +
          (r.unreadable ? ` — not read: ${r.unreadable}` : ''),
      ),
      ...inv.caches.memcached.map(
        (m) => `Memcached ${v(m.version)} port ${v(m.port)} limit ${formatBytes(m.limitBytes)}, ${v(m.items)} items` + (m.unreadable ? ` — not read: ${m.unreadable}` : ''),
      ),
    ]),
  );
  out.push(...section('Scheduled work', [...inv.cron.map((c) => `${c.schedule} ${c.user ? `[${c.user}] ` : ''}${c.command} (${c.file})`), ...inv.services.timers.map((t) => `timer ${t.name} → ${v(t.unit)} ${v(t.schedule)}`)]));
  const fw = inv.firewall;
  out.push(...section('Firewall', [`${fw.tool}${fw.active === null ? '' : fw.active ? ' active' : ' inactive'}; open to the world: ${fw.openPorts?.join(', ') ?? 'unknown'}`]));
  out.push(...section('Not read', inv.notRead.map((n) => `${n.what}: ${n.reason}`)));
  return out.join('\n') + '\n';
}
