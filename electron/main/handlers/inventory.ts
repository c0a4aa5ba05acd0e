import { connect, type HostKeyPolicy, type SshConnectOptions } from '../../engine/ssh/index.js';
import { knownHostsPath } from '../../engine/paths.js';
import { forgetSourceSecrets, loadSourceSecrets, saveSourceSecrets } from '../../engine/projects/project-secrets.js';
import type { SourceSecrets, SourceSettings } from '../../../shared/ipc/project.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import type { JobContext, Jobs } from './jobs.js';
import { projectState } from './project-state.js';
import { inventoryOverSsh, probeScript } from '../../engine/inventory/run-probe.js';
import { UiFailure } from './ui-error.js';

/** How to reach the box, for the inventory and again for the cutover. */
export function sshOptions(deps: HandlerDeps, source: SourceSettings, secrets: SourceSecrets, hostKeyPolicy: HostKeyPolicy): SshConnectOptions {
  return {
    destination: source.destination,
    ...(source.user ? { user: source.user } : {}),
    ...(source.port ? { port: source.port } : {}),
    ...(source.auth === 'key' && source.keyPath ? { identityFiles: [source.keyPath] } : {}),
    ...(source.jump ? { jump: source.jump } : {}),
    ...(deps.homeDir ? { homeDir: deps.homeDir } : {}),
    ...(source.auth === 'password' && secrets.password ? { password: secrets.password } : {}),
    ...(secrets.passphrase ? { passphrase: secrets.passphrase } : {}),
    // With a key or password, the agent would only add attempts (and MaxAuthTries failures).
    ...(source.auth === 'agent' ? {} : { agent: null }),
    knownHostsPath: knownHostsPath(deps.dataDir),
    hostKeyPolicy,
  };
}

const given = (s: SourceSecrets): SourceSecrets => ({ ...(s.password ? { password: s.password } : {}), ...(s.passphrase ? { passphrase: s.passphrase } : {}) });

async function inventoryBox(deps: HandlerDeps, job: JobContext, projectId: string, source: SourceSettings, secrets: SourceSecrets, remember: boolean): Promise<void> {
  const dir = deps.store.dir(projectId);
  job.progress({ type: 'phase', phase: 'connecting', detail: `Connecting to ${source.destination}` });
  const session = await connect(
    sshOptions(deps, source, secrets, { mode: 'ask', confirm: (p) => job.askHostKey({ label: p.label, host: p.host, port: p.port, keyType: p.keyType, fingerprint: p.fingerprint }) }),
  );
  try {
    job.progress({ type: 'phase', phase: 'probing', detail: `Reading ${session.label} (read-only)` });
    const inventory = await inventoryOverSsh(session, { sudo: source.sudo, signal: job.signal, onSection: (p) => job.progress({ type: 'section', ...p }) });
    job.progress({ type: 'phase', phase: 'parsing', detail: 'Saving the inventory' });
    await deps.store.saveInventories(projectId, [inventory]);
    await projectState(deps, projectId, { savePlan: true });
  } finally {
    await session.close();
  }
  // Kept only once they worked, and only encrypted.
  if (remember) await saveSourceSecrets(dir, deps.encryptor, secrets);
  else await forgetSourceSecrets(dir);
}

export function inventoryHandlers(deps: HandlerDeps, jobs: Jobs): Pick<Handlers, 'inventory:start' | 'inventory:probe-script'> {
  return {
    'inventory:probe-script': async () => probeScript(),
    'inventory:start': async ({ projectId, source, secrets, remember }) => {
      const meta = await deps.store.meta(projectId);
      if (meta.source.kind === 'sample') throw new UiFailure('SAMPLE_PROJECT', 'a sample project has no box to read', 'create a new project to read your own box');
      await deps.store.updateMeta(projectId, (m) => ({ ...m, source: { kind: 'box', settings: source } }));
      const saved = (await loadSourceSecrets(deps.store.dir(projectId), deps.encryptor)) ?? {};
      const use = { ...saved, ...given(secrets) };
      return { jobId: jobs.start((job) => inventoryBox(deps, job, projectId, source, use, remember)) };
    },
  };
}
