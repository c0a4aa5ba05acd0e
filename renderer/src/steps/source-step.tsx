import { useEffect, useId, useState } from 'react';
import type { IpcReply } from '../../../shared/ipc/contract.js';
import type { ProjectState, SourceSettings } from '../../../shared/ipc/project.js';
import { ErrorNotice } from '../components/error-notice.js';
import { call } from '../skylift-api.js';
import { useRequest } from '../state/use-request.js';
import { StepHeading } from '../components/step-heading.js';

type Auth = SourceSettings['auth'];

const AUTH_LABELS: Record<Auth, string> = { agent: 'SSH agent', key: 'Key file', password: 'Password' };

/** Which box, and how to log in: a ~/.ssh/config host or one typed in; key, agent or password; a jump host. */
export function SourceStep({ project, onStarted }: { project: ProjectState; onStarted: (jobId: string) => void }) {
  const saved = project.meta.source.kind === 'box' ? project.meta.source.settings : null;
  const [hosts, setHosts] = useState<IpcReply<'ssh:hosts'>>([]);
  const [destination, setDestination] = useState(saved?.destination ?? '');
  const [user, setUser] = useState(saved?.user ?? '');
  const [port, setPort] = useState(saved?.port ? String(saved.port) : '');
  const [auth, setAuth] = useState<Auth>(saved?.auth ?? 'key');
  const [keyPath, setKeyPath] = useState(saved?.keyPath ?? '');
  const [jump, setJump] = useState(saved?.jump ?? '');
  const [sudo, setSudo] = useState(saved?.sudo ?? true);
  const [password, setPassword] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [remember, setRemember] = useState(project.savedSourceSecret);
  const [showScript, setShowScript] = useState<string | null>(null);
  const start = useRequest();
  const hostList = useRequest();
  const script = useRequest();
  const id = useId();

  useEffect(() => {
    void hostList.run(async () => setHosts(await call('ssh:hosts', {})));
    // Loaded once per visit of the step.
  }, []);

  const submit = () =>
    start.run(async () => {
      const portNumber = port.trim() === '' ? undefined : Number(port);
      const source: SourceSettings = {
        destination,
        auth,
        sudo,
        ...(user.trim() ? { user: user.trim() } : {}),
        ...(portNumber !== undefined ? { port: portNumber } : {}),
        ...(auth === 'key' && keyPath.trim() ? { keyPath: keyPath.trim() } : {}),
        ...(jump.trim() ? { jump: jump.trim() } : {}),
      };
      const secrets = { ...(auth === 'password' && password ? { password } : {}), ...(auth === 'key' && passphrase ? { passphrase } : {}) };
      const { jobId } = await call('inventory:start', { projectId: project.meta.id, source, secrets, remember });
      setPassword('');
      setPassphrase('');
      onStarted(jobId);
    });

  return (
    <section aria-labelledby="source-title">
      <StepHeading id="source-title">
        Which box are we moving?
      </StepHeading>
      <p className="lead">Skylift logs in over SSH and only reads: it runs one read-only script and changes nothing on the box.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {hosts.length > 0 && (
          <fieldset>
            <legend>Hosts from your ~/.ssh/config</legend>
            <div className="host-choices">
              {hosts.map((h) => (
                <button key={h.alias} type="button" aria-pressed={destination === h.alias} onClick={() => setDestination(h.alias)}>
                  {h.alias}
                  <span className="muted">
                    {' '}
                    {h.user ? `${h.user}@` : ''}
                    {h.hostName ?? h.alias}
                    {h.port ? `:${h.port}` : ''}
                  </span>
                </button>
              ))}
            </div>
          </fieldset>
        )}
        <ErrorNotice error={hostList.error} />
        <div className="grid">
          <label htmlFor={`${id}-dest`}>Host, address or ~/.ssh/config name</label>
          <input id={`${id}-dest`} value={destination} required onChange={(e) => setDestination(e.target.value)} placeholder="203.0.113.10 or my-droplet" />
          <label htmlFor={`${id}-user`}>User (optional)</label>
          <input id={`${id}-user`} value={user} onChange={(e) => setUser(e.target.value)} placeholder="root" autoComplete="username" />
          <label htmlFor={`${id}-port`}>Port (optional)</label>
          <input id={`${id}-port`} value={port} inputMode="numeric" onChange={(e) => setPort(e.target.value)} placeholder="22" />
          <label htmlFor={`${id}-jump`}>Jump host (optional)</label>
          <input id={`${id}-jump`} value={jump} onChange={(e) => setJump(e.target.value)} placeholder="user@bastion:22" />
        </div>
        <fieldset>
          <legend>Log in with</legend>
          {(Object.keys(AUTH_LABELS) as Auth[]).map((a) => (
            <label key={a} className="inline">
              <input type="radio" name={`${id}-auth`} value={a} checked={auth === a} onChange={() => setAuth(a)} /> {AUTH_LABELS[a]}
            </label>
          ))}
        </fieldset>
        {auth === 'key' && (
          <div className="grid">
            <label htmlFor={`${id}-key`}>Private key file</label>
            <input id={`${id}-key`} value={keyPath} onChange={(e) => setKeyPath(e.target.value)} placeholder="~/.ssh/id_ed25519 (empty: the ones in your SSH config)" />
            <label htmlFor={`${id}-pass`}>Key passphrase (if it has one)</label>
            <input id={`${id}-pass`} type="password" value={passphrase} autoComplete="off" onChange={(e) => setPassphrase(e.target.value)} />
          </div>
        )}
        {auth === 'password' && (
          <div className="grid">
            <label htmlFor={`${id}-pw`}>Password</label>
            <input id={`${id}-pw`} type="password" value={password} autoComplete="current-password" onChange={(e) => setPassword(e.target.value)} />
          </div>
        )}
        {auth !== 'agent' && (
          <label className="inline">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember the {auth === 'password' ? 'password' : 'passphrase'} (encrypted by your system's keychain)
            {project.savedSourceSecret ? ' — one is saved' : ''}
          </label>
        )}
        <label className="inline">
          <input type="checkbox" checked={sudo} onChange={(e) => setSudo(e.target.checked)} /> Use sudo where it needs no password (reads more: process owners, configs)
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={start.busy}>
            Read the box
          </button>
          <button type="button" className="link" onClick={() => void script.run(async () => setShowScript(await call('inventory:probe-script', {})))}>
            Show exactly what runs on the box
          </button>
        </div>
        <ErrorNotice error={start.error ?? script.error} />
      </form>
      {showScript !== null && (
        <details open>
          <summary>The read-only probe script ({showScript.length.toLocaleString()} characters)</summary>
          <pre className="script">{showScript}</pre>
        </details>
      )}
    </section>
  );
}
