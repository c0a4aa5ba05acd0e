import { useEffect, useState } from 'react';
import type { SettingsState } from '../../../shared/ipc/settings.js';
import { ErrorNotice } from '../components/error-notice.js';
import { StepHeading } from '../components/step-heading.js';
import { call } from '../skylift-api.js';
import { useRequest } from '../state/use-request.js';
import { SettingsTable } from './settings-table.js';

/** What Skylift keeps besides projects: trusted host keys, encrypted secrets (names only), the AWS profiles it sees. */
export function SettingsPage() {
  const [state, setState] = useState<SettingsState | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useRequest();
  const change = useRequest();
  const reload = () => void load.run(async () => setState(await call('settings:read', {})));
  useEffect(reload, []);
  const act = (what: string, work: () => Promise<SettingsState>) =>
    void change.run(async () => {
      setDone(null);
      setState(await work());
      setDone(what);
    });
  return (
    <section aria-labelledby="settings-title">
      <StepHeading id="settings-title">Settings</StepHeading>
      <ErrorNotice error={load.error} />
      <ErrorNotice error={change.error} onDismiss={() => (change.clear(), reload())} />
      {done && <p role="status">{done}</p>}
      {state && (
        <>
          <h2 id="known-hosts-title">Known hosts</h2>
          <p className="muted">
            The boxes whose host keys you confirmed, kept in {state.knownHostsFile}. Remove one when its box was rebuilt: Skylift asks you to check the new key on the next connection.
          </p>
          <SettingsTable
            labelledBy="known-hosts-title"
            columns={['Host', 'Key type', 'Fingerprint', 'Action']}
            rows={state.knownHosts}
            empty="No host keys yet."
            row={(h) => (
              <tr key={`${h.line}-${h.fingerprint}`}>
                <td>
                  {h.hosts}
                  {h.marker && <span className="badge">{h.marker}</span>}
                </td>
                <td>{h.keyType}</td>
                <td className="compact">{h.fingerprint}</td>
                <td>
                  <button type="button" disabled={change.busy} aria-label={`Remove the key of ${h.hosts}`} onClick={() => act(`Removed the key of ${h.hosts}.`, () => call('settings:forget-host', { line: h.line, fingerprint: h.fingerprint }))}>
                    Remove
                  </button>
                </td>
              </tr>
            )}
          />

          <h2 id="secrets-title">Stored secrets</h2>
          <p className="muted">
            {state.encryption ? 'Kept only encrypted by your system keychain; Skylift never shows their values. Delete one and Skylift asks for it again when it needs it.' : 'This system offers no encrypted storage, so Skylift keeps no secrets: it asks each time.'}
          </p>
          <SettingsTable
            labelledBy="secrets-title"
            columns={['Project', 'Secret', 'Action']}
            rows={state.secrets}
            empty="No stored secrets."
            row={(s) => (
              <tr key={`${s.projectId}-${s.kind}`}>
                <td>{s.project}</td>
                <td>{s.name}</td>
                <td>
                  <button type="button" disabled={change.busy} aria-label={`Delete the ${s.name} of ${s.project}`} onClick={() => act(`Deleted the ${s.name} of ${s.project}.`, () => call('settings:forget-secret', { projectId: s.projectId, kind: s.kind }))}>
                    Delete
                  </button>
                </td>
              </tr>
            )}
          />

          <h2 id="profiles-title">AWS profiles</h2>
          <p className="muted">The profiles in ~/.aws/config and ~/.aws/credentials, and the projects that use them. Edit them with the AWS CLI (aws configure).</p>
          <SettingsTable
            labelledBy="profiles-title"
            columns={['Profile', 'Found in', 'Used by']}
            rows={state.awsProfiles}
            empty="No AWS profiles found."
            row={(p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>{p.files.length > 0 ? p.files.map((f) => `~/.aws/${f}`).join(', ') : 'no longer in ~/.aws'}</td>
                <td>{p.usedBy.join(', ') || '—'}</td>
              </tr>
            )}
          />
        </>
      )}
    </section>
  );
}
