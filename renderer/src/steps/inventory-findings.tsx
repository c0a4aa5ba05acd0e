import { useState, type ReactNode } from 'react';
import { formatBytes, summarizeInventory } from '../../../shared/inventory/summary.js';
import type { Inventory } from '../../../shared/schema/inventory.js';

function Group({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  return (
    <section className="finding-group" aria-label={title}>
      <h3>
        {title} <span className="count">{count}</span>
      </h3>
      {count === 0 ? <p className="muted">None found.</p> : children}
    </section>
  );
}

/** A long list rendered only once opened, so a box with thousands of processes stays responsive. */
function Lazy({ summary, children }: { summary: string; children: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && children()}
    </details>
  );
}

/** What the box runs, grouped; and what could not be read, with why. */
export function InventoryFindings({ inventory: inv }: { inventory: Inventory }) {
  const h = inv.host;
  const nginx = inv.webServers.nginx;
  const locations = nginx?.servers.flatMap((s) => s.locations.map((l) => ({ server: s.serverNames.join(' ') || '_', ...l }))) ?? [];
  const dbs = [...inv.databases.postgres.map((p) => ({ key: `pg-${p.port}`, text: `PostgreSQL ${p.version ?? '?'} on port ${p.port ?? '?'}: ${p.databases.map((d) => `${d.name} (${formatBytes(d.sizeBytes)})`).join(', ') || 'no databases read'}`, unreadable: p.unreadable })), ...inv.databases.mysql.map((m) => ({ key: `my-${m.port}`, text: `${m.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${m.version ?? '?'} on port ${m.port ?? '?'}: ${m.schemas.map((s) => s.name).join(', ') || 'no schemas read'}`, unreadable: m.unreadable }))];
  const caches = [...inv.caches.redis.map((r) => ({ key: `r-${r.port}`, text: `Redis ${r.version ?? '?'} on port ${r.port ?? '?'}, ${formatBytes(r.usedMemoryBytes)} used`, unreadable: r.unreadable })), ...inv.caches.memcached.map((m) => ({ key: `m-${m.port}`, text: `Memcached ${m.version ?? '?'} on port ${m.port ?? '?'}`, unreadable: m.unreadable }))];
  return (
    <div className="findings">
      <p>
        <strong>{inv.target.label}</strong>: {h.os.prettyName ?? 'unknown OS'}, {h.cpus ?? '?'} CPUs, {formatBytes(h.memoryBytes)} RAM, provider {h.provider.name}. Read as {inv.probe.user ?? '?'} ({inv.probe.privilege}) in{' '}
        {inv.probe.durationMs ?? '?'} ms.
      </p>
      <Group title="Apps" count={inv.apps.length}>
        <ul>
          {inv.apps.map((a) => (
            <li key={a.dir}>
              <strong>{a.name}</strong> in {a.dir} — ports {a.ports.join(', ') || 'none seen'}; uses{' '}
              {Object.entries(a.flags)
                .filter(([, on]) => on)
                .map(([k]) => k)
                .join(', ') || 'nothing notable'}
              ; {a.envNames.length} environment variable names ({a.envNames.filter((e) => e.secret).length} secret, values never read)
            </li>
          ))}
        </ul>
      </Group>
      <Group title="Databases" count={dbs.length}>
        <ul>
          {dbs.map((d) => (
            <li key={d.key}>
              {d.text}
              {d.unreadable && <span className="warning"> — not read: {d.unreadable}</span>}
            </li>
          ))}
        </ul>
      </Group>
      <Group title="Caches" count={caches.length}>
        <ul>
          {caches.map((c) => (
            <li key={c.key}>
              {c.text}
              {c.unreadable && <span className="warning"> — not read: {c.unreadable}</span>}
            </li>
          ))}
        </ul>
      </Group>
      <Group title="Web server routes" count={locations.length}>
        <Lazy summary={`${locations.length} nginx location(s) on ${nginx?.servers.length ?? 0} server block(s)`}>
          {() => (
            <ul>
              {locations.map((l, i) => (
                <li key={`${l.server}-${l.path}-${i}`}>
                  {l.server} {l.path}
                  {l.proxyPass ? ` → ${l.proxyPass}` : ''}
                  {l.websocketUpgrade ? ' (WebSocket upgrade)' : ''}
                </li>
              ))}
            </ul>
          )}
        </Lazy>
      </Group>
      <Group title="Scheduled work" count={inv.cron.length + inv.services.timers.length}>
        <ul>
          {inv.cron.map((c, i) => (
            <li key={`cron-${i}`}>
              <code>{c.schedule}</code> {c.command}
            </li>
          ))}
          {inv.services.timers.map((t) => (
            <li key={t.name}>timer {t.name}</li>
          ))}
        </ul>
      </Group>
      <Group title="Processes" count={inv.processes.length}>
        <Lazy summary={`${inv.processes.length} process(es), ${inv.listeners.length} listening socket(s)`}>
          {() => (
            <ul className="compact">
              {inv.processes.map((p) => (
                <li key={p.pid}>
                  {p.pid} {p.user ?? '?'} {p.command}
                </li>
              ))}
            </ul>
          )}
        </Lazy>
      </Group>
      <Group title="Could not be read" count={inv.notRead.length}>
        <ul>
          {inv.notRead.map((n, i) => (
            <li key={`${n.what}-${i}`}>
              <strong>{n.what}</strong>: {n.reason}
            </li>
          ))}
        </ul>
      </Group>
      <Lazy summary="Full inventory summary (as the CLI prints it)">{() => <pre>{summarizeInventory(inv)}</pre>}</Lazy>
    </div>
  );
}
