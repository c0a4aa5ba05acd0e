import { describe, expect, it } from 'vitest';
import { runtimesSection } from '../../../shared/inventory/sections/runtimes.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

describe('runtimes section parser', () => {
  it('reads node installs, tool versions and docker containers on a root probe', () => {
    const inv = parseSection(runtimesSection, probeFixture('runtimes', 'digitalocean-root'));
    expect(inv.runtimes.node).toEqual([
      { version: '22.12.0', path: '/usr/bin/node', manager: 'system' },
      { version: '18.20.5', path: '/home/deploy/.nvm/versions/node/v18.20.5/bin/node', manager: 'nvm' },
      { version: '20.18.1', path: '/home/deploy/.nvm/versions/node/v20.18.1/bin/node', manager: 'nvm' },
    ]);
    expect(inv.runtimes.tools).toEqual([
      { name: 'pm2', version: '5.3.1', path: '/home/deploy/.nvm/versions/node/v18.20.5/bin/pm2' },
      { name: 'npm', version: '10.9.0', path: '/usr/bin/npm' },
      // A corepack shim: the version is corepack's, and it says so.
      { name: 'yarn', version: 'corepack 0.29.4', path: '/usr/bin/yarn' },
      { name: 'pnpm', version: '9.15.0', path: '/usr/local/bin/pnpm' },
      { name: 'pm2', version: '5.4.3', path: '/usr/bin/pm2' },
      { name: 'python3', version: '3.12.3', path: '/usr/bin/python3' },
      { name: 'php', version: '8.3.6', path: '/usr/bin/php' },
      { name: 'java', version: '21.0.5', path: '/usr/bin/java' },
      { name: 'docker', version: '27.4.1', path: '/usr/bin/docker' },
    ]);
    expect(inv.runtimes.docker?.containers).toEqual([
      { id: '3f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0', name: 'redis', image: 'redis:7-alpine', status: 'Up 3 days', ports: '127.0.0.1:6379->6379/tcp' },
      { id: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b', name: 'old-api', image: 'node:18', status: 'Exited (0) 2 weeks ago', ports: '' },
    ]);
    expect(inv.notRead).toEqual([]);
  });

  it('recognises n and volta, and says what an unprivileged probe could not see', () => {
    const inv = parseSection(runtimesSection, probeFixture('runtimes', 'n-and-volta-unprivileged'), 'user');
    expect(inv.runtimes.node).toEqual([
      { version: '20.11.1', path: '/usr/local/bin/node', manager: 'n' },
      { version: '20.11.1', path: '/usr/local/n/versions/node/20.11.1/bin/node', manager: 'n' },
      { version: '18.19.0', path: '/usr/local/n/versions/node/18.19.0/bin/node', manager: 'n' },
      { version: '22.12.0', path: '/home/deploy/.volta/tools/image/node/22.12.0/bin/node', manager: 'volta' },
    ]);
    expect(inv.runtimes.tools.find((t) => t.name === 'java')?.version).toBe('1.8.0_432');
    expect(inv.runtimes.tools.find((t) => t.name === 'ruby')?.version).toBe('3.2.3');
    expect(inv.runtimes.docker).toEqual({ containers: [] });
    expect(inv.notRead).toEqual([
      { what: 'node installs under /root', reason: 'needs root or sudo' },
      { what: 'node installs under /home/ops', reason: 'needs root or sudo' },
      { what: 'docker containers', reason: 'needs root or sudo (or membership of the docker group)' },
    ]);
  });

  it('lists the node on PATH once when it is an nvm install', () => {
    const inv = parseSection(runtimesSection, probeFixture('runtimes', 'nvm-on-path'));
    expect(inv.runtimes.node).toEqual([
      { version: '20.18.1', path: '/usr/local/bin/node', manager: 'nvm' },
      { version: '16.20.2', path: '/root/.nvm/versions/node/v16.20.2/bin/node', manager: 'nvm' },
    ]);
    expect(inv.runtimes.docker).toBeNull();
  });
});
