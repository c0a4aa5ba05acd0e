import { describe, expect, it } from 'vitest';
import { apacheSection } from '../../../shared/inventory/sections/apache.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

describe('apache section parser', () => {
  it('reads Ubuntu 22.04 with mod_proxy_wstunnel: modules, vhosts from the site files and from -S', () => {
    const inv = parseSection(apacheSection, probeFixture('apache', 'ubuntu-22.04-wstunnel'));
    const apache = inv.webServers.apache!;
    expect(apache.version).toBe('2.4.52');
    expect(apache.modules).toHaveLength(34);
    expect(apache.modules).toContain('proxy_http_module');
    expect(apache.wstunnelLoaded).toBe(true);
    expect(apache.vhosts).toEqual([
      {
        file: '/etc/apache2/sites-enabled/chat.conf', serverName: 'chat.example.com', serverAliases: ['www.chat.example.com'], port: 80, ssl: false,
        sslCertificateFile: null, documentRoot: '/var/www/chat/public', proxyPass: [], websocketProxy: false,
      },
      {
        file: '/etc/apache2/sites-enabled/chat-le-ssl.conf', serverName: 'chat.example.com', serverAliases: ['www.chat.example.com'], port: 443, ssl: true,
        sslCertificateFile: '/etc/letsencrypt/live/chat.example.com/fullchain.pem', documentRoot: '/var/www/chat/public',
        proxyPass: [{ path: '/socket.io/', target: 'ws://127.0.0.1:3000/socket.io/' }, { path: '/', target: 'http://127.0.0.1:3000/' }],
        websocketProxy: true,
      },
      {
        file: '/etc/apache2/sites-enabled/api.conf', serverName: 'api.example.com', serverAliases: [], port: 8443, ssl: true,
        sslCertificateFile: '/etc/ssl/certs/api.pem', documentRoot: null,
        proxyPass: [{ path: '/events', target: 'http://127.0.0.1:4000/events' }, { path: '/', target: 'http://***@127.0.0.1:4000/' }],
        websocketProxy: true,
      },
      {
        file: '/etc/apache2/apache2.conf', serverName: 'legacy.example.com', serverAliases: ['old.example.com'], port: 80, ssl: false,
        sslCertificateFile: null, documentRoot: null, proxyPass: [], websocketProxy: false,
      },
    ]);
    expect(inv.notRead).toEqual([]);
  });

  it('falls back to mods-enabled when -M is refused', () => {
    const apache = parseSection(apacheSection, probeFixture('apache', 'ubuntu-24.04-unprivileged'), 'user').webServers.apache!;
    expect(apache.version).toBe('2.4.58');
    expect(apache.modules).toContain('proxy_http_module');
    expect(apache.wstunnelLoaded).toBe(false);
    expect(apache.vhosts.map((v) => [v.serverName, v.port, v.documentRoot])).toEqual([['app.example.com', 80, '/var/www/html']]);
  });

  it('leaves apache null when it is not installed', () => {
    expect(parseSection(apacheSection, probeFixture('apache', 'absent')).webServers.apache).toBeNull();
  });
});
