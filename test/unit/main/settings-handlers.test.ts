import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers, dispatch, type HandlerDeps, type Handlers } from '../../../electron/main/handlers/index.js';
import { handlerDeps } from './handler-deps.js';

describe('settings', () => {
  let dir: string;
  let deps: HandlerDeps;
  let handlers: Handlers;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skylift-settings-'));
    await mkdir(join(dir, 'home', '.aws'), { recursive: true });
    await writeFile(join(dir, 'home', '.aws', 'config'), '[default]\nregion = us-east-1\n[profile prod]\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\n');
    await writeFile(join(dir, 'home', '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAEXAMPLE\n[ci]\naws_access_key_id = AKIAEXAMPLE2\n');
    deps = handlerDeps(dir, { homeDir: join(dir, 'home') });
    handlers = createHandlers(deps).handlers;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists known hosts with fingerprints and removes only the line that still holds the key', async () => {
    const key = (n: number) => Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, n)]).toString('base64');
    await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:2222 ssh-ed25519 ${key(1)}\n# a comment\nbox.example ssh-ed25519 ${key(2)}\n`);
    const listed = await handlers['settings:read']({});
    expect(listed.knownHosts.map((h) => [h.line, h.hosts, h.keyType])).toEqual([
      [1, '[127.0.0.1]:2222', 'ssh-ed25519'],
      [3, 'box.example', 'ssh-ed25519'],
    ]);
    const [first, second] = listed.knownHosts;
    expect(first!.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    // A stale line number (the file changed) removes nothing.
    expect(await dispatch(handlers, 'settings:forget-host', { line: 1, fingerprint: second!.fingerprint })).toMatchObject({ ok: false, error: { code: 'KNOWN_HOST_CHANGED', hint: expect.stringContaining('reopen Settings') } });
    const after = await handlers['settings:forget-host']({ line: 1, fingerprint: first!.fingerprint });
    expect(after.knownHosts.map((h) => h.hosts)).toEqual(['box.example']);
    expect(await readFile(join(dir, 'known_hosts'), 'utf8')).toBe(`# a comment\nbox.example ssh-ed25519 ${key(2)}\n`);
  });

  it('names stored secrets without their values and deletes one; lists AWS profiles and who uses them', async () => {
    const { meta } = await handlers['projects:create']({ name: 'Shop', sample: 'two-apps' });
    const projectDir = deps.store.dir(meta.id);
    await writeFile(join(projectDir, 'aws-keys.bin'), deps.encryptor.encryptString('{"accessKeyId":"AKIASECRETVALUE","secretAccessKey":"topsecret"}'));
    await writeFile(join(projectDir, 'source-secrets.bin'), deps.encryptor.encryptString('{"password":"hunter22"}'));
    await deps.store.updateMeta(meta.id, (m) => ({ ...m, target: { region: 'eu-west-1', source: { kind: 'profile', profile: 'prod' }, credentials: 'AWS profile "prod"', report: null } }));
    const state = await handlers['settings:read']({});
    expect(state.secrets).toEqual([
      { projectId: meta.id, project: 'Shop', kind: 'source', name: 'Box password or key passphrase' },
      { projectId: meta.id, project: 'Shop', kind: 'aws-keys', name: 'AWS access keys' },
    ]);
    expect(JSON.stringify(state)).not.toMatch(/AKIASECRETVALUE|topsecret|hunter22/);
    expect(state.awsProfiles).toEqual([
      { name: 'ci', files: ['credentials'], usedBy: [] },
      { name: 'default', files: ['config', 'credentials'], usedBy: [] },
      { name: 'prod', files: ['config'], usedBy: ['Shop'] },
    ]);
    const after = await handlers['settings:forget-secret']({ projectId: meta.id, kind: 'aws-keys' });
    expect(after.secrets.map((s) => s.kind)).toEqual(['source']);
    expect((await handlers['projects:open']({ projectId: meta.id })).savedAwsKeys).toBe(false);
  });
});
