import { describe, expect, it } from 'vitest';
import { parseProcNetLine, splitHostPort } from '../../../shared/inventory/parse-listeners.js';
import { processesSection } from '../../../shared/inventory/sections/processes.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

describe('processes section parser', () => {
  it('reads processes as root: owners, working directories, redacted command lines', () => {
    const inv = parseSection(processesSection, probeFixture('processes', 'digitalocean-root'));
    expect(inv.processes).toHaveLength(12);
    expect(inv.processes.find((p) => p.pid === 845)).toEqual({ pid: 845, ppid: 812, user: 'nodejs', command: 'node /var/www/html/hello.js', cwd: '/var/www/html' });
    expect(inv.processes.find((p) => p.pid === 812)?.command).toBe('PM2 v5.4.2: God Daemon (/home/nodejs/.pm2)');
    expect(inv.processes.find((p) => p.pid === 902)?.cwd).toBeNull();
    const worker = inv.processes.find((p) => p.pid === 1300)?.command ?? '';
    expect(worker).toContain('/opt/worker/index.js');
    for (const secret of ['sk_live_abc123', 'hunter2', 'pgpass99']) expect(worker).not.toContain(secret);
    expect(inv.notRead).toEqual([]);
  });

  it('drops a credential cut in half by the box’s line limit rather than keep its first part', () => {
    // The box cut this line inside a URL: without its "@" the password no longer looks like one.
    const text = `ps\t   77     1 root     node ${'a'.repeat(3980)} postgres://app:supersecretpw`;
    const [p] = parseSection(processesSection, text).processes;
    expect(p?.command.endsWith(' …')).toBe(true);
    expect(p?.command).not.toContain('supersecret');
    expect(p?.command.length).toBeLessThanOrEqual(4001);
  });

  it('maps listening sockets to their owners and says which are reachable from outside', () => {
    const { listeners } = parseSection(processesSection, probeFixture('processes', 'digitalocean-root'));
    const find = (proto: string, address: string, port: number) => listeners.find((l) => l.proto === proto && l.address === address && l.port === port);
    expect(find('tcp', '0.0.0.0', 80)).toEqual({ proto: 'tcp', address: '0.0.0.0', port: 80, pid: 901, processName: 'nginx', public: true });
    expect(find('tcp', '*', 3000)).toMatchObject({ pid: 845, public: true });
    expect(find('tcp', '127.0.0.1', 5432)).toMatchObject({ pid: 1201, processName: 'postgres', public: false });
    expect(find('tcp', '::1', 5432)?.public).toBe(false);
    expect(find('tcp', '127.0.0.53', 53)?.public).toBe(false);
    // Socket-activated sshd: the daemon, not systemd, is named.
    expect(find('tcp', '0.0.0.0', 22)).toMatchObject({ pid: 798, processName: 'sshd' });
    expect(find('udp', 'fe80::1', 123)).toMatchObject({ public: true, processName: 'chronyd' });
    expect(listeners.map((l) => l.port)).toEqual([...listeners.map((l) => l.port)].sort((a, b) => a - b));
  });

  it('without privilege: other users’ sockets and directories are unknown, and it says so', () => {
    const inv = parseSection(processesSection, probeFixture('processes', 'unprivileged-old-ss'), 'user');
    expect(inv.listeners).toHaveLength(3);
    expect(inv.listeners.find((l) => l.port === 80)?.pid).toBeNull();
    expect(inv.listeners.find((l) => l.port === 9229)?.pid).toBe(3150);
    expect(inv.processes.find((p) => p.pid === 3100)?.cwd).toBe('/home/deploy');
    expect(inv.notRead).toEqual([
      { what: 'listening socket owners', reason: "needs root or sudo: other users' sockets show no process" },
      { what: "working directories of other users' processes", reason: 'needs root or sudo' },
    ]);
  });

  it('falls back to netstat and busybox ps', () => {
    const inv = parseSection(processesSection, probeFixture('processes', 'netstat'));
    expect(inv.processes.map((p) => p.pid)).toEqual([1, 700]);
    expect(inv.listeners).toEqual([
      { proto: 'tcp', address: '0.0.0.0', port: 22, pid: 798, processName: 'sshd: /usr/sbin', public: true },
      { proto: 'udp', address: '127.0.0.53', port: 53, pid: 640, processName: 'systemd-resolve', public: false },
      { proto: 'tcp', address: '::', port: 3000, pid: 845, processName: 'node', public: true },
      { proto: 'tcp', address: '127.0.0.1', port: 6379, pid: 700, processName: 'redis-server 12', public: false },
      { proto: 'tcp', address: '::', port: 8080, pid: null, processName: null, public: true },
    ]);
  });

  it('reads a busybox box: ps without options, netstat without owners', () => {
    const inv = parseSection(processesSection, probeFixture('processes', 'busybox'));
    expect(inv.processes.find((p) => p.pid === 420)).toEqual({ pid: 420, ppid: 1, user: 'node', command: 'node /app/server.js', cwd: '/app' });
    expect(inv.listeners.map((l) => [l.address, l.port, l.pid])).toEqual([
      ['0.0.0.0', 22, null],
      ['::', 8080, null],
    ]);
    expect(inv.notRead).toEqual([{ what: 'listening socket owners', reason: 'ss is not installed and this netstat cannot name owners' }]);
  });

  it('falls back to /proc/net when neither ss nor netstat exists', () => {
    const inv = parseSection(processesSection, probeFixture('processes', 'proc-net'));
    expect(inv.listeners.map((l) => `${l.proto} ${l.address} ${l.port} ${l.public}`)).toEqual([
      'tcp 0.0.0.0 22 true',
      'udp 127.0.0.53 53 false',
      'tcp :: 3000 true',
      'tcp 127.0.0.1 6379 false',
      'tcp ::1 8080 false',
      'tcp ::ffff:127.0.0.1 8081 false',
    ]);
    expect(inv.notRead).toContainEqual({ what: 'listening socket owners', reason: 'neither ss nor netstat is installed' });
  });

  it('splits addresses the way ss and netstat print them', () => {
    expect(splitHostPort('[::ffff:10.0.0.2]:443')).toEqual({ address: '::ffff:10.0.0.2', port: 443 });
    expect(splitHostPort('*%eth0:68')).toEqual({ address: '*', port: 68 });
    expect(splitHostPort('0.0.0.0:99999')).toBeNull();
    expect(splitHostPort('nonsense')).toBeNull();
    expect(parseProcNetLine('tcp', '0: ZZZZZZZZ:0016 00000000:0000 0A')).toBeNull();
  });
});
