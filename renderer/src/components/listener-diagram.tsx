export interface Hop {
  label: string;
  detail: string;
  broken?: boolean;
}

/** One path of a request, hop by hop; a broken hop is drawn red. */
export function Flow({ title, hops, caption }: { title: string; hops: Hop[]; caption: string }) {
  const w = 190;
  const marker = `arrow-${title.replace(/\W+/g, '-')}`;
  const gap = 40;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${hops.length * (w + gap)} 90`} role="img" aria-label={`${title}: ${caption}`}>
        <defs>
          <marker id={marker} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="diagram-arrow" />
          </marker>
        </defs>
        {hops.map((h, i) => (
          <g key={h.label} transform={`translate(${i * (w + gap)} 16)`}>
            <rect width={w} height={56} rx={6} className={h.broken ? 'diagram-box diagram-broken' : 'diagram-box'} />
            <text x={10} y={22} className="diagram-label">
              {h.label}
            </text>
            <text x={10} y={42} className="diagram-detail">
              {h.detail}
            </text>
            {i < hops.length - 1 && <line x1={w} y1={28} x2={w + gap - 4} y2={28} className={hops[i + 1]?.broken ? 'diagram-move diagram-broken-line' : 'diagram-move'} markerEnd={`url(#${marker})`} />}
          </g>
        ))}
      </svg>
      <figcaption>
        <strong>{title}:</strong> {caption}
      </figcaption>
    </figure>
  );
}

/** Why WebSockets break behind a classic load balancer's HTTP listener, and what the plan sets up instead. */
export function ListenerDiagram({ loadBalancer, idleTimeout }: { loadBalancer: 'application' | 'classic'; idleTimeout: string | null }) {
  const after: Hop[] =
    loadBalancer === 'application'
      ? [
          { label: 'Browser', detail: 'Upgrade: websocket' },
          { label: 'Application LB', detail: `passes Upgrade, idle ${idleTimeout ?? '?'} s` },
          { label: 'nginx on EB', detail: 'upgrade headers set' },
          { label: 'Your app', detail: '101 Switching Protocols' },
        ]
      : [
          { label: 'Browser', detail: 'Upgrade: websocket' },
          { label: 'Classic LB, TCP', detail: 'passes the bytes' },
          { label: 'nginx on EB', detail: 'upgrade headers set' },
          { label: 'Your app', detail: '101 Switching Protocols' },
        ];
  return (
    <div className="diagrams">
      <Flow
        title="Before"
        hops={[
          { label: 'Browser', detail: 'Upgrade: websocket' },
          { label: 'Classic LB, HTTP', detail: 'drops Upgrade', broken: true },
          { label: 'nginx', detail: 'sees plain HTTP', broken: true },
          { label: 'Your app', detail: 'HTTP 400, falls back', broken: true },
        ]}
        caption="a layer-7 HTTP listener on a classic load balancer does not pass the WebSocket handshake, so Socket.IO falls back to polling or fails with 400."
      />
      <Flow
        title="After"
        hops={after}
        caption={
          loadBalancer === 'application'
            ? 'an Application Load Balancer passes WebSockets natively; its idle timeout is raised so quiet connections are not cut.'
            : 'TCP listeners pass the handshake untouched (the client IP then needs Proxy Protocol).'
        }
      />
    </div>
  );
}
