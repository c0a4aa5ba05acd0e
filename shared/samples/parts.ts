/**
 * Building blocks shared by the bundled sample inventories, so each sample reads as the box it
 * describes rather than as boilerplate.
 */

import type { App, AppFlags, Certificate, Inventory, Listener, NginxLocation, NginxServer, SectionStatus, SystemdUnit } from '../schema/inventory.js';

export const GB = 1000 ** 3;
export const MB = 1000 ** 2;

const SECTION_NAMES = ['host', 'processes', 'services', 'runtimes', 'pm2', 'nginx', 'apache', 'tls', 'apps', 'postgres', 'mysql', 'redis', 'memcached', 'cron', 'firewall'];

/** Probe metadata: every section ok unless named (services the box does not run are "absent"). */
export function probe(user: string, privilege: Inventory['probe']['privilege'], durationMs: number, statuses: Record<string, SectionStatus> = {}): Inventory['probe'] {
  return {
    user,
    privilege,
    durationMs,
    sections: SECTION_NAMES.map((name) => ({ name, status: statuses[name] ?? 'ok', exitCode: 0, truncated: false })),
  };
}

export function flags(on: Partial<AppFlags>): AppFlags {
  return { socketio: false, ws: false, express: false, postgres: false, mysql: false, redis: false, socketioRedisAdapter: false, memcached: false, uploads: false, ...on };
}

export function listener(proto: Listener['proto'], address: string, port: number, processName: string, pid: number): Listener {
  return { proto, address, port, pid, processName, public: !/^(127\.|::1|\[::1\]|localhost)/.test(address) };
}

export function unit(name: string, description: string, more: Partial<SystemdUnit> = {}): SystemdUnit {
  return {
    name,
    activeState: 'active',
    subState: 'running',
    description,
    execStart: null,
    workingDirectory: null,
    user: null,
    environmentNames: [],
    environmentFiles: [],
    ...more,
  };
}

/** The services every Ubuntu/Debian server runs, whatever the app. */
export function baseUnits(): SystemdUnit[] {
  return [
    unit('ssh.service', 'OpenBSD Secure Shell server', { execStart: '/usr/sbin/sshd -D' }),
    unit('cron.service', 'Regular background program processing daemon', { execStart: '/usr/sbin/cron -f -P' }),
    unit('systemd-journald.service', 'Journal Service'),
    unit('systemd-resolved.service', 'Network Name Resolution'),
    unit('rsyslog.service', 'System Logging Service', { execStart: '/usr/sbin/rsyslogd -n -iNONE' }),
  ];
}

export function location(path: string, more: Partial<NginxLocation> = {}): NginxLocation {
  return {
    path,
    proxyPass: null,
    websocketUpgrade: false,
    proxyReadTimeoutSeconds: null,
    proxySendTimeoutSeconds: null,
    root: null,
    alias: null,
    clientMaxBodySize: null,
    ...more,
  };
}

export function letsencrypt(names: string[], notBefore: string, notAfter: string): Certificate {
  const first = names[0] as string;
  return {
    path: `/etc/letsencrypt/live/${first}/fullchain.pem`,
    subject: `CN=${first}`,
    names,
    issuer: "C=US, O=Let's Encrypt, CN=R11",
    notBefore,
    notAfter,
    source: 'letsencrypt',
  };
}

export function envNames(source: string, names: string[], secrets: string[]): App['envNames'] {
  return names.map((name) => ({ name, source, secret: secrets.includes(name) }));
}

export function ufw(ports: string[]): Inventory['firewall'] {
  return { tool: 'ufw', active: true, openPorts: ports, rules: ports.map((p) => `${p} ALLOW IN Anywhere`) };
}

/** An nginx server block; on 443 it carries the Let's Encrypt certificate of its first name. */
export function nginxServer(file: string, serverNames: string[], port: 80 | 443, locations: NginxLocation[], more: Partial<NginxServer> = {}): NginxServer {
  const ssl = port === 443;
  const live = `/etc/letsencrypt/live/${serverNames[0] ?? 'default'}`;
  return {
    file,
    serverNames,
    listen: [{ address: null, port, ssl, http2: ssl, proxyProtocol: false, defaultServer: false }],
    sslCertificate: ssl ? `${live}/fullchain.pem` : null,
    sslCertificateKey: ssl ? `${live}/privkey.pem` : null,
    root: null,
    clientMaxBodySize: null,
    redirectsToHttps: false,
    locations,
    ...more,
  };
}
