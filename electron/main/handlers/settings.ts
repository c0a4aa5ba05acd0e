import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SecretKind, SettingsState, StoredSecret } from '../../../shared/ipc/settings.js';
import { knownHostsPath } from '../../engine/paths.js';
import { AWS_KEYS_FILE, hasFile, SOURCE_SECRETS_FILE } from '../../engine/projects/project-secrets.js';
import { fingerprintOf, readKnownHosts, removeKnownHost } from '../../engine/ssh/known-hosts.js';
import { awsProfiles } from './aws-profiles.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import { UiFailure } from './ui-error.js';

const SECRETS: Record<SecretKind, { file: string; name: string }> = {
  source: { file: SOURCE_SECRETS_FILE, name: 'Box password or key passphrase' },
  'aws-keys': { file: AWS_KEYS_FILE, name: 'AWS access keys' },
};

/** What Skylift keeps besides projects: the host keys it trusts, the secrets it holds (names only), the AWS profiles it can use. */
async function settings(deps: HandlerDeps): Promise<SettingsState> {
  const file = knownHostsPath(deps.dataDir);
  const projects = await deps.store.list();
  const secrets: StoredSecret[] = [];
  const usedBy = new Map<string, string[]>();
  for (const p of projects) {
    for (const kind of Object.keys(SECRETS) as SecretKind[]) {
      if (await hasFile(deps.store.dir(p.id), SECRETS[kind].file)) secrets.push({ projectId: p.id, project: p.name, kind, name: SECRETS[kind].name });
    }
    const source = (await deps.store.meta(p.id)).target?.source;
    if (source?.kind === 'profile') usedBy.set(source.profile, [...(usedBy.get(source.profile) ?? []), p.name]);
  }
  const profiles = await awsProfiles(deps.homeDir ?? homedir());
  for (const name of usedBy.keys()) if (!profiles.has(name)) profiles.set(name, []);
  return {
    knownHostsFile: file,
    knownHosts: (await readKnownHosts(file)).map((e) => ({
      line: e.line,
      hosts: 'patterns' in e.hosts ? e.hosts.patterns.join(', ') : '(hashed name)',
      keyType: e.keyType,
      fingerprint: fingerprintOf(e.key),
      marker: e.marker,
    })),
    secrets,
    encryption: deps.encryptor.isEncryptionAvailable(),
    awsProfiles: [...profiles].map(([name, files]) => ({ name, files, usedBy: usedBy.get(name) ?? [] })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export function settingsHandlers(deps: HandlerDeps): Pick<Handlers, 'settings:read' | 'settings:forget-host' | 'settings:forget-secret'> {
  return {
    'settings:read': () => settings(deps),
    'settings:forget-host': async ({ line, fingerprint }) => {
      if (!(await removeKnownHost(knownHostsPath(deps.dataDir), line, fingerprint).catch(() => false))) {
        throw new UiFailure('KNOWN_HOST_CHANGED', `line ${line} of the known hosts no longer holds the key ${fingerprint}`, 'the list has changed since it was shown: reopen Settings and remove the entry again');
      }
      return settings(deps);
    },
    'settings:forget-secret': async ({ projectId, kind }) => {
      await deps.store.meta(projectId);
      await rm(join(deps.store.dir(projectId), SECRETS[kind].file), { force: true });
      return settings(deps);
    },
  };
}
