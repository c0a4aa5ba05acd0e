import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDestination } from '../../electron/engine/ssh/destination.js';
import { SshError } from '../../electron/engine/ssh/errors.js';
import { resolveTarget } from '../../electron/engine/ssh/resolve-target.js';
import { expandSshPath } from '../../electron/engine/ssh/ssh-config.js';

describe('parseDestination', () => {
  it.each([
    ['box', { host: 'box' }],
    ['root@10.0.0.5', { user: 'root', host: '10.0.0.5' }],
    ['deploy@web.example.com:2222', { user: 'deploy', host: 'web.example.com', port: 2222 }],
    ['user@[::1]:22', { user: 'user', host: '::1', port: 22 }],
    ['[fe80::1]', { host: 'fe80::1' }],
    ['fe80::1', { host: 'fe80::1' }],
    ['jane@corp.example@bastion', { user: 'jane@corp.example', host: 'bastion' }],
    ['ssh://root@box:2200', { user: 'root', host: 'box', port: 2200 }],
  ])('%s', (input, expected) => {
    expect(parseDestination(input)).toEqual(expected);
  });

  it.each(['', '@host', 'root@', 'host:0', 'host:70000', 'host:22x', '[::1', '[::1]x', '-oProxyCommand=x', 'a b', 'root@$(id)'])('refuses %j as CONFIG', (input) => {
    expect(() => parseDestination(input)).toThrow(SshError);
    try {
      parseDestination(input);
    } catch (err) {
      expect((err as SshError).code).toBe('CONFIG');
    }
  });
});

describe('resolveTarget with ~/.ssh/config', () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skylift-cfg-'));
    config = join(dir, 'config');
    await writeFile(
      config,
      [
        'Host web',
        '  HostName %h.example.com',
        '  User deploy',
        '  Port 2222',
        '  IdentityFile ~/.ssh/web_%r',
        '  ProxyJump bastion,root@second:2200',
        '  HostKeyAlias web-prod',
        '  IdentityAgent none',
        '  ServerAliveInterval 30',
        'Host bastion',
        '  HostName 192.0.2.1',
        '  User jump',
        'Host legacy',
        '  ProxyCommand ssh -W %h:%p gw',
        'Host *',
        '  IdentityFile ~/.ssh/shared',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('applies HostName, User, Port, IdentityFile, ProxyJump and friends', async () => {
    const t = await resolveTarget({ destination: 'web', sshConfigPath: config, homeDir: '/home/me' });
    expect(t).toMatchObject({ alias: 'web', host: 'web.example.com', port: 2222, user: 'deploy', label: 'deploy@web.example.com:2222', hostKeyAlias: 'web-prod', identityAgent: null, keepaliveIntervalMs: 30_000 });
    expect(t.identityFiles).toEqual([
      { path: '/home/me/.ssh/web_deploy', display: '~/.ssh/web_deploy', source: 'config' },
      { path: '/home/me/.ssh/shared', display: '~/.ssh/shared', source: 'config' },
    ]);
    expect(t.jumps.map((j) => [j.alias, j.host, j.port, j.user])).toEqual([
      ['bastion', '192.0.2.1', 22, 'jump'],
      ['second', 'second', 2200, 'root'],
    ]);
  });

  it('lets options win over the config, and -i keys come first', async () => {
    const t = await resolveTarget({ destination: 'ops@web:2000', user: 'admin', identityFiles: ['~/k'], jump: false, sshConfigPath: config, homeDir: '/home/me' });
    expect(t).toMatchObject({ user: 'admin', port: 2000, jumps: [] });
    expect(t.identityFiles[0]).toEqual({ path: '/home/me/k', display: '~/k', source: 'option' });
    const viaCli = await resolveTarget({ destination: 'web', jump: 'root@10.1.1.1:2201', sshConfigPath: config, homeDir: '/home/me' });
    expect(viaCli.jumps.map((j) => j.label)).toEqual(['root@10.1.1.1:2201']);
  });

  it('falls back to the default key files and the local user without a config', async () => {
    const t = await resolveTarget({ destination: '10.0.0.9', sshConfigPath: join(dir, 'missing'), homeDir: '/home/me' });
    expect(t.port).toBe(22);
    expect(t.identityFiles.map((f) => f.display)).toEqual(['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa']);
    expect(t.identityFiles.every((f) => f.source === 'default')).toBe(true);
  });

  it('refuses ProxyCommand, which it will not run', async () => {
    await expect(resolveTarget({ destination: 'legacy', sshConfigPath: config, homeDir: '/home/me' })).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('follows Include: globbed files in ~/.ssh in sorted order, first match wins, a block resumes after an Include inside it', async () => {
    const home = join(dir, 'home with space');
    await mkdir(join(home, '.ssh', 'conf.d'), { recursive: true });
    await writeFile(join(home, '.ssh', 'conf.d', '20-db.conf'), 'Host db\n  HostName db.late.example\n  Port 2020\n');
    await writeFile(join(home, '.ssh', 'conf.d', '10-db.conf'), 'Host db\n  HostName db.early.example\nHost app\n  User app-from-include\n');
    await writeFile(join(home, '.ssh', 'web-extra'), '  ForwardAgent no\nHost other\n  User other-user\n');
    await writeFile(join(home, '.ssh', 'config'), 'Include conf.d/*.conf "~/.ssh/missing"\nHost web\n  Include web-extra\n  User web-user\nHost app\n  User app-from-config\n');
    const db = await resolveTarget({ destination: 'db', homeDir: home });
    expect(db).toMatchObject({ host: 'db.early.example', port: 2020 });
    expect((await resolveTarget({ destination: 'web', homeDir: home })).user).toBe('web-user');
    expect((await resolveTarget({ destination: 'app', homeDir: home })).user).toBe('app-from-include');
    await writeFile(join(home, '.ssh', 'loop'), 'Include loop\n');
    await writeFile(join(home, '.ssh', 'config'), 'Include loop\n');
    await expect(resolveTarget({ destination: 'db', homeDir: home })).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('Include nested') });
  });

  it('expands OpenSSH tokens', () => {
    expect(expandSshPath('%d/.ssh/%r@%h:%p-%u%%', { home: '/h', host: 'b', port: 22, user: 'r', localUser: 'me' })).toBe('/h/.ssh/r@b:22-me%');
    expect(expandSshPath('~', { home: '/h', host: '', port: 0, user: '', localUser: '' })).toBe('/h');
  });
});
