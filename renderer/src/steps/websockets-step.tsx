import type { ProjectState } from '../../../shared/ipc/project.js';
import type { EbEnvironment } from '../../../shared/schema/design.js';
import { DecisionCard } from '../components/decision-card.js';
import { ErrorNotice } from '../components/error-notice.js';
import { ListenerDiagram } from '../components/listener-diagram.js';
import { useAnswer } from '../state/use-answer.js';
import { StepHeading } from '../components/step-heading.js';

function option(env: EbEnvironment, namespace: string, name: string): string | null {
  const v = env.optionSettings.find((o) => o.namespace === namespace && o.optionName === name)?.value;
  return typeof v === 'string' ? v : null;
}

function EnvironmentListeners({ env }: { env: EbEnvironment }) {
  const idle = option(env, 'aws:elbv2:loadbalancer', 'IdleTimeout');
  const sticky = option(env, 'aws:elasticbeanstalk:environment:process:default', 'StickinessEnabled');
  return (
    <section aria-labelledby={`lb-${env.id}`}>
      <h2 id={`lb-${env.id}`}>{env.environmentName}</h2>
      <ul>
        <li>{env.websocket ? `The app uses WebSockets${env.socketio ? ' (Socket.IO)' : ''}.` : 'No WebSocket use was found in the app.'}</li>
        <li>Load balancer: {env.loadBalancer === 'application' ? 'Application Load Balancer' : 'Classic Load Balancer'}{env.existing ? ` (existing environment ${env.existing.name}, fixed in place)` : ''}.</li>
        {idle && <li>Idle timeout: {idle} s.</li>}
        {sticky && <li>Sticky sessions: {sticky === 'true' ? 'on (Socket.IO polling needs them with more than one instance)' : 'off'}.</li>}
        <li>
          nginx on the instances: {env.nginx.websocket ? 'passes the Upgrade headers' : 'default proxy'}, read timeout {env.nginx.readTimeoutSeconds} s.
        </li>
        {env.websocketPath && <li>After deploying, Skylift tries a real WebSocket handshake on {env.websocketPath} through the new load balancer.</li>}
      </ul>
      {env.websocket && <ListenerDiagram loadBalancer={env.loadBalancer} idleTimeout={idle} />}
    </section>
  );
}

/** The listener fix, explained: why WebSockets break behind a classic HTTP listener and what the plan does instead. */
export function WebsocketsStep({ project, onChange, onNext }: { project: ProjectState; onChange: (p: ProjectState) => void; onNext: () => void }) {
  const { answer, req } = useAnswer(project, onChange);
  const design = project.design;
  if (!design) return <p>Read a box first.</p>;
  const decisions = design.decisions.filter((d) => d.area === 'load-balancer');
  return (
    <section aria-labelledby="ws-title">
      <StepHeading id="ws-title">
        Load balancer and WebSockets
      </StepHeading>
      <p className="lead">Real-time apps (chat, live updates, Socket.IO) break most often here. This is what the plan sets up, and why.</p>
      {design.resources.environments.map((env) => (
        <EnvironmentListeners key={env.id} env={env} />
      ))}
      <ErrorNotice error={req.error} onDismiss={req.clear} />
      {decisions.length > 0 && (
        <section aria-labelledby="lb-decisions">
          <h2 id="lb-decisions">Decisions</h2>
          <ul className="decisions">
            {decisions.map((d) => (
              <DecisionCard key={d.id} decision={d} design={design} project={project} busy={req.busy} answer={answer} />
            ))}
          </ul>
        </section>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onNext}>
          Continue to the plan
        </button>
      </div>
    </section>
  );
}
