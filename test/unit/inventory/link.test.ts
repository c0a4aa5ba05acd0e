import { describe, expect, it } from 'vitest';
import { blankApp } from '../../../shared/inventory/blank-app.js';
import { linkInventory, proxyTargetPorts } from '../../../shared/inventory/link.js';
import { emptyInventory } from '../../../shared/inventory/parse-inventory.js';
import { nginxSection } from '../../../shared/inventory/sections/nginx.js';
import { Inventory, type Listener, type Process } from '../../../shared/schema/inventory.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

const proc = (pid: number, ppid: number, cwd: string | null, command = 'node server.js'): Process => ({ pid, ppid, user: 'app', command, cwd });
const tcp = (port: number, pid: number | null, address = '127.0.0.1'): Listener => ({
  proto: 'tcp', address, port, pid, processName: pid === null ? null : 'node', public: address !== '127.0.0.1' && address !== '::1',
});

describe('linkInventory', () => {
  it('gives apps the ports their processes (and their children in the same dir) listen on', () => {
    const draft = emptyInventory('t', 'local', '2025-01-06T10:00:00Z');
    draft.apps.push(blankApp('api', '/srv/api', ['process']), blankApp('worker', '/srv/worker', ['pm2']));
    // 30 is started from the api's dir (a PM2 daemon, a shell) but runs elsewhere: its port is not the api's.
    draft.processes.push(proc(10, 1, '/srv/api', 'npm start'), proc(11, 10, '/srv/api'), proc(12, 11, null), proc(20, 1, '/home/app'), proc(30, 10, '/srv/other'));
    draft.runtimes.pm2.apps.push({ name: 'worker', user: 'app', pid: 20, status: 'online', cwd: '/home/app', script: '/srv/worker/index.js', execMode: 'fork_mode', instances: 1, source: 'process', envNames: [] });
    draft.listeners.push(tcp(3000, 11, '0.0.0.0'), tcp(9229, 12), tcp(4000, 20), tcp(22, 1, '0.0.0.0'), tcp(5000, 30), { ...tcp(3000, 11), proto: 'udp' });
    linkInventory(draft);
    expect(draft.apps.map((a) => [a.name, a.ports])).toEqual([['api', [3000, 9229]], ['worker', [4000]]]);
  });

  it('follows nginx proxy_pass to the listening process, adding an app seen only that way', () => {
    const draft = parseSection(nginxSection, probeFixture('nginx', 'map-upgrade'));
    draft.processes.push(proc(40, 1, '/srv/app'), proc(41, 1, '/'));
    draft.listeners.push(tcp(4000, 40), tcp(4001, 41));
    linkInventory(draft);
    expect(draft.apps.map((a) => [a.name, a.dir, a.foundBy, a.ports])).toEqual([['app', '/srv/app', ['nginx'], [4000]]]);
    expect(draft.notRead).toEqual([{ what: 'the app behind nginx on port 4001 (pid 41)', reason: 'its working directory could not be read' }]);
    expect(() => Inventory.parse(draft)).not.toThrow();
  });

  it('marks an existing app as found through nginx, and says when the owner of a port is hidden', () => {
    const draft = parseSection(nginxSection, probeFixture('nginx', 'digitalocean-1-click'));
    draft.apps.push(blankApp('hello', '/var/www/html', ['pm2']));
    draft.processes.push(proc(7, 1, '/var/www/html'));
    draft.listeners.push(tcp(3000, 7, '::1'));
    linkInventory(draft);
    expect(draft.apps[0]).toMatchObject({ foundBy: ['pm2', 'nginx'], ports: [3000] });

    const hidden = parseSection(nginxSection, probeFixture('nginx', 'digitalocean-1-click'), 'user');
    hidden.listeners.push(tcp(3000, null));
    linkInventory(hidden);
    expect(hidden.apps).toEqual([]);
    expect(hidden.notRead).toEqual([{ what: 'the app behind nginx on port 3000', reason: 'the listening process is not visible without root or sudo' }]);
  });

  it('reads proxy targets: explicit local ports, upstreams, and nothing for remote hosts or variables', () => {
    const upstreams = [{ name: 'backend', servers: ['127.0.0.1:5000', '10.0.0.9:5000', 'localhost:5001', 'unix:/x.sock'] }];
    expect(proxyTargetPorts('http://127.0.0.1:3000/api/', upstreams)).toEqual([3000]);
    expect(proxyTargetPorts('https://[::1]:8443', upstreams)).toEqual([8443]);
    expect(proxyTargetPorts('http://backend', upstreams)).toEqual([5000, 5001]);
    expect(proxyTargetPorts('http://db.internal:5432', upstreams)).toEqual([]);
    expect(proxyTargetPorts('http://$upstream', upstreams)).toEqual([]);
    expect(proxyTargetPorts('unix:/run/app.sock', upstreams)).toEqual([]);
  });

  it('is total: a hostile draft is linked as far as it goes, never thrown', () => {
    const draft = emptyInventory('t', 'local', '2025-01-06T10:00:00Z');
    draft.apps.push(blankApp('a', '', ['process']));
    draft.processes.push(proc(1, 1, ''), proc(2, 2, null));
    draft.listeners.push(tcp(1, 1));
    draft.webServers.nginx = { version: null, configFile: null, configRead: false, clientMaxBodySize: null, upstreams: [{ name: 'x', servers: [] }], servers: [] };
    expect(() => linkInventory(draft)).not.toThrow();
    expect(() => Inventory.parse(draft)).not.toThrow();
  });
});
