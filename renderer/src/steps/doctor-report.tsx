import type { DoctorHandshake, DoctorReport } from '../../../shared/ipc/doctor.js';
import { Flow, type Hop } from '../components/listener-diagram.js';

type CauseId = DoctorReport['findings'][number]['id'];

const answer = (status: number | null, error: string | null) => (status === null ? `no answer (${error ?? 'unknown error'})` : `HTTP ${status}`);

/** Each URL's real handshake: polling, the WebSocket upgrade, the echo round trip. */
export function HandshakeTable({ handshakes, caption }: { handshakes: DoctorHandshake[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">URL</th>
          <th scope="col">Socket.IO polling</th>
          <th scope="col">WebSocket upgrade</th>
          <th scope="col">Echo</th>
        </tr>
      </thead>
      <tbody>
        {handshakes.map((h) => (
          <tr key={h.url}>
            <td className="compact">{h.url}</td>
            <td>{answer(h.polling.status, h.polling.error)}{h.polling.opened ? ', session opened' : ''}</td>
            <td className={h.websocket.upgraded ? 'ok' : 'warning'}>{h.websocket.upgraded ? '101 Switching Protocols' : answer(h.websocket.status, h.websocket.error)}</td>
            <td className={h.echo === null ? undefined : h.echo.ok ? 'ok' : 'warning'}>{h.echo === null ? 'not asked' : `${h.echo.event}: ${h.echo.detail}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Whether every URL upgraded and echoed: what "fixed" means. */
export const verified = (r: DoctorReport): boolean => r.handshakes.length > 0 && r.handshakes.every((h) => h.websocket.upgraded && (h.echo === null || h.echo.ok));

const LB_LABEL = { classic: 'Classic LB', application: 'Application LB', none: 'No load balancer' } as const;

/** The request's path through the environment as the report saw it; hops a cause names are drawn broken. */
function hops(r: DoctorReport): Hop[] {
  const has = (...ids: CauseId[]) => r.findings.some((f) => ids.includes(f.id));
  const lb = r.loadBalancer;
  const first = r.handshakes[0];
  const idle = lb.idleTimeoutSeconds === null ? '' : `, idle ${lb.idleTimeoutSeconds} s`;
  return [
    { label: 'Client', detail: 'Upgrade: websocket' },
    { label: LB_LABEL[lb.kind], detail: `${lb.listeners.map((l) => `${l.protocol}:${l.port}→${l.instanceProtocol}:${l.instancePort}`).join(', ') || 'none'}${idle}`, broken: has('classic-layer7-listener', 'proxy-protocol-without-nginx', 'idle-timeout-short') },
    { label: 'nginx on the instances', detail: has('nginx-drops-upgrade') ? 'drops the Upgrade headers' : has('nginx-short-timeout') ? 'cuts quiet connections' : 'passes Upgrade', broken: has('nginx-drops-upgrade', 'nginx-short-timeout') },
    { label: 'Your app', detail: first ? (first.websocket.upgraded ? '101 Switching Protocols' : `WebSocket ${answer(first.websocket.status, first.websocket.error)}`) : 'not reached', broken: first !== undefined && !first.websocket.upgraded },
  ];
}

/** The listener setup seen by one examination, or before and after a fix. */
export function ListenerSetup({ before, after }: { before: DoctorReport; after: DoctorReport | null }) {
  const caption = (r: DoctorReport) => `${r.loadBalancer.kind === 'none' ? 'no load balancer' : `listeners ${r.loadBalancer.listeners.map((l) => `${l.protocol}:${l.port} to ${l.instanceProtocol}:${l.instancePort}`).join(', ')}`}; ${r.healthy ? 'Socket.IO upgrades to WebSocket.' : `${r.findings.length} cause(s) found.`}`;
  return (
    <div className="diagrams">
      <Flow title={after ? 'Before the fix' : 'Now'} hops={hops(before)} caption={caption(before)} />
      {after && <Flow title="After the fix" hops={hops(after)} caption={caption(after)} />}
    </div>
  );
}

/** Every cause, with the evidence a person can check and what fixes it (by Skylift's Fix, or by hand). */
export function Findings({ report }: { report: DoctorReport }) {
  return (
    <ul className="decisions" aria-label="Causes found">
      {report.findings.map((f) => (
        <li key={f.id} className="decision">
          <h3>
            {f.title}
            <span className={f.automatic ? 'count' : 'badge'}>{f.automatic ? 'Fix does this' : 'by hand'}</span>
          </h3>
          <p className="help">Evidence:</p>
          <ul aria-label={`Evidence: ${f.id}`}>
            {f.evidence.map((e) => (
              <li key={e} className="compact">
                {e}
              </li>
            ))}
          </ul>
          <p>
            <strong>{f.automatic ? 'What Fix changes:' : 'What to do by hand:'}</strong> {f.fix}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** What the doctor read about the environment. */
export function EnvironmentFacts({ report }: { report: DoctorReport }) {
  const { environment: e, loadBalancer: lb } = report;
  return (
    <dl className="facts">
      <dt>Environment</dt>
      <dd>
        {e.name} ({e.application}, {e.status}), version {e.versionLabel ?? 'none'}
      </dd>
      <dt>Load balancer</dt>
      <dd>
        {LB_LABEL[lb.kind]}
        {lb.idleTimeoutSeconds !== null && `, idle timeout ${lb.idleTimeoutSeconds} s`}
        {lb.stickiness !== null && `, sticky sessions ${lb.stickiness ? 'on' : 'off'}`}
      </dd>
      <dt>Instances</dt>
      <dd>
        {report.instances.running} running, up to {report.instances.maxSize}
      </dd>
      <dt>Heartbeat</dt>
      <dd>
        ping every {report.ping.intervalMs / 1000} s{report.ping.fromHandshake ? ' (from the server)' : " (Socket.IO's default: no handshake said)"}
      </dd>
      {report.bundleError && (
        <>
          <dt>Bundle</dt>
          <dd className="warning">{report.bundleError}</dd>
        </>
      )}
    </dl>
  );
}
