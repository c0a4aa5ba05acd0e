import { describe, expect, it } from 'vitest';
import { assembleNginxDump, parseNginxText, splitNginxDump, tokenizeNginx } from '../../../shared/inventory/parse-nginx-config.js';
import { parseNginxSeconds, readNginxConfig } from '../../../shared/inventory/read-nginx-config.js';
import { nginxSection } from '../../../shared/inventory/sections/nginx.js';
import { Inventory } from '../../../shared/schema/inventory.js';
import { parseSection, probeFixture } from '../../support/probe-sections.js';

const configOf = (text: string) => readNginxConfig(parseNginxText(text, '/etc/nginx/nginx.conf'));

describe('nginx tokenizer', () => {
  it('follows nginx rules for quotes, comments, escapes and ${var}', () => {
    const words = tokenizeNginx(String.raw`a "b c;{}" 'd\'e' f#g # comment ; {
      return 200 "ok\n"; x ` + '${y}z;}')
      .map((t) => (t.kind === 'word' ? t.value : t.kind));
    expect(words).toEqual(['a', 'b c;{}', "d'e", 'f#g', 'return', '200', 'ok\n', ';', 'x', '${y}z', ';', '}']);
  });

  it('closes what is left open, skips stray braces and drops a directive cut before its `;`', () => {
    expect(parseNginxText('} http { server { listen 80; location / { root "/x', null)).toEqual([
      { name: 'http', args: [], file: null, block: [{ name: 'server', args: [], file: null, block: [
        { name: 'listen', args: ['80'], block: null, file: null },
        { name: 'location', args: ['/'], file: null, block: [] },
      ] }] },
    ]);
  });

  it('expands includes from the -T dump, globbed and relative to the main file, without looping', () => {
    const dump = [
      '# configuration file /etc/nginx/nginx.conf:',
      'http { include sites/*.conf; include /etc/nginx/self.conf; }',
      '# configuration file /etc/nginx/sites/b.conf:',
      'server { server_name b; }',
      '# configuration file /etc/nginx/sites/a.conf:',
      'server { server_name a; }',
      '# configuration file /etc/nginx/self.conf:',
      'include /etc/nginx/self.conf; client_max_body_size 5m;',
    ].join('\n');
    const cfg = readNginxConfig(assembleNginxDump(splitNginxDump(dump)));
    expect(cfg.servers.map((s) => [s.serverNames[0], s.file])).toEqual([
      ['b', '/etc/nginx/sites/b.conf'],
      ['a', '/etc/nginx/sites/a.conf'],
    ]);
    expect(cfg.clientMaxBodySize).toBe('5m');
  });

  it('reads nginx time units', () => {
    expect([parseNginxSeconds('3600'), parseNginxSeconds('300s'), parseNginxSeconds('5m'), parseNginxSeconds('1h'), parseNginxSeconds('1h30m'), parseNginxSeconds('500ms'), parseNginxSeconds('1d')]).toEqual([
      3600, 300, 300, 3600, 5400, 0.5, 86400,
    ]);
    for (const bad of ['', 'h', '5 m', '-1', '1x', undefined]) expect(parseNginxSeconds(bad)).toBeNull();
  });
});

describe('nginx inheritance', () => {
  it('gives a location the server-level proxy_set_header only when it declares none itself', () => {
    const cfg = configOf(`http { server {
      proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";
      location /inherits { proxy_pass http://127.0.0.1:3000; }
      location /own { proxy_pass http://127.0.0.1:3000; proxy_set_header Host $host; }
      location /nested { location /nested/deeper { proxy_pass http://127.0.0.1:3000; } }
      location /static { root /srv; }
    } }`);
    const ws = Object.fromEntries(cfg.servers[0]!.locations.map((l) => [l.path, l.websocketUpgrade]));
    expect(ws).toEqual({ '/inherits': true, '/own': false, '/nested': false, '/nested/deeper': true, '/static': false });
  });

  it('inherits http-level headers, timeouts, root, body size and certificates down to nested locations', () => {
    const cfg = configOf(`http {
      proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade;
      proxy_read_timeout 10m; root /var/www; client_max_body_size 1m; ssl_certificate /c.pem; ssl_certificate_key /k.pem;
      server { listen 443 ssl; proxy_send_timeout 20;
        location / { client_max_body_size 0; location /x { proxy_pass http://127.0.0.1:1; proxy_read_timeout 30s; } } } }`);
    const server = cfg.servers[0]!;
    expect(server).toMatchObject({ root: '/var/www', clientMaxBodySize: '1m', sslCertificate: '/c.pem', sslCertificateKey: '/k.pem' });
    expect(server.locations[1]).toEqual({
      path: '/x', proxyPass: 'http://127.0.0.1:1', websocketUpgrade: true, proxyReadTimeoutSeconds: 30, proxySendTimeoutSeconds: 20,
      root: '/var/www', alias: null, clientMaxBodySize: '0',
    });
  });

  it('needs both headers, and a Connection value or map that really says upgrade', () => {
    const ws = (headers: string, extra = '') =>
      configOf(`http { ${extra} server { location / { proxy_pass http://127.0.0.1:1; ${headers} } } }`).servers[0]!.locations[0]!.websocketUpgrade;
    expect(ws('proxy_set_header Upgrade $http_upgrade;')).toBe(false);
    expect(ws('proxy_set_header Connection "Upgrade";')).toBe(false);
    expect(ws('proxy_set_header upgrade $http_upgrade; proxy_set_header connection "keep-alive, Upgrade";')).toBe(true);
    expect(ws('proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;')).toBe(false);
    expect(ws('proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;', 'map $http_upgrade $connection_upgrade { default upgrade; "" close; }')).toBe(true);
    expect(ws('proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $c;', 'map $host $c { default upgrade; }')).toBe(false);
  });

  it('finds https redirects in returns, certbot if-blocks and rewrites', () => {
    const redirects = (body: string) => configOf(`http { server { ${body} } }`).servers[0]!.redirectsToHttps;
    expect(redirects('return 301 https://$host$request_uri;')).toBe(true);
    expect(redirects('return https://example.com;')).toBe(true);
    expect(redirects('if ($host = a.com) { return 308 https://$host$request_uri; } return 404;')).toBe(true);
    expect(redirects('location / { rewrite ^ https://$host$request_uri permanent; }')).toBe(true);
    expect(redirects('return 301 http://other.example;')).toBe(false);
    expect(redirects('location /old { return 301 https://new.example; }')).toBe(false);
  });

  it('reads every listen form', () => {
    const cfg = configOf(`http { server { listen 8080; listen 127.0.0.1:3001 default; listen [::1]:443 ssl proxy_protocol; listen localhost;
      listen unix:/run/x.sock; listen *:80 http2 default_server; } server { server_name nolisten; } }`);
    expect(cfg.servers[0]!.listen.map((l) => [l.address, l.port, l.ssl, l.http2, l.proxyProtocol, l.defaultServer])).toEqual([
      [null, 8080, false, false, false, false],
      ['127.0.0.1', 3001, false, false, false, true],
      ['::1', 443, true, false, true, false],
      ['localhost', 80, false, false, false, false],
      ['*', 80, false, true, false, true],
    ]);
    expect(cfg.servers[1]!.listen).toEqual([{ address: null, port: 80, ssl: false, http2: false, proxyProtocol: false, defaultServer: false }]);
  });
});

describe('nginx section parser', () => {
  it('reads the DigitalOcean Node.js 1-Click default site: :80 proxied to :3000 with upgrade headers', () => {
    const inv = parseSection(nginxSection, probeFixture('nginx', 'digitalocean-1-click'));
    const nginx = inv.webServers.nginx!;
    expect(nginx).toMatchObject({ version: '1.24.0', configFile: '/etc/nginx/nginx.conf', configRead: true, clientMaxBodySize: null, upstreams: [] });
    expect(nginx.servers).toHaveLength(1);
    const server = nginx.servers[0]!;
    expect(server).toMatchObject({ file: '/etc/nginx/sites-enabled/default', serverNames: ['_'], root: '/var/www/html', sslCertificate: null, redirectsToHttps: false });
    expect(server.listen.map((l) => [l.address, l.port, l.defaultServer])).toEqual([[null, 80, true], ['::', 80, true]]);
    expect(server.locations).toEqual([
      { path: '^~ /assets/', proxyPass: null, websocketUpgrade: false, proxyReadTimeoutSeconds: null, proxySendTimeoutSeconds: null, root: '/var/www/html', alias: null, clientMaxBodySize: null },
      { path: '/', proxyPass: 'http://localhost:3000', websocketUpgrade: true, proxyReadTimeoutSeconds: null, proxySendTimeoutSeconds: null, root: '/var/www/html', alias: null, clientMaxBodySize: null },
    ]);
    expect(inv.notRead).toEqual([]);
  });

  it('reads a Linode Marketplace site after certbot: TLS on 443, the :80 server only redirects', () => {
    const nginx = parseSection(nginxSection, probeFixture('nginx', 'linode-marketplace')).webServers.nginx!;
    const [tls, plain] = nginx.servers;
    expect(tls).toMatchObject({
      file: '/etc/nginx/sites-enabled/shop.example.org',
      serverNames: ['shop.example.org'],
      sslCertificate: '/etc/letsencrypt/live/shop.example.org/fullchain.pem',
      sslCertificateKey: '/etc/letsencrypt/live/shop.example.org/privkey.pem',
      redirectsToHttps: false,
    });
    expect(tls!.listen.map((l) => [l.address, l.port, l.ssl])).toEqual([['::', 443, true], [null, 443, true]]);
    expect(tls!.locations).toMatchObject([{ path: '/', proxyPass: 'http://127.0.0.1:3000', websocketUpgrade: true }]);
    expect(plain).toMatchObject({ serverNames: ['shop.example.org'], redirectsToHttps: true, locations: [] });
    expect(plain!.listen.map((l) => l.port)).toEqual([80, 80]);
  });

  it('tells apart a location that loses the server-level upgrade headers by declaring its own', () => {
    const nginx = parseSection(nginxSection, probeFixture('nginx', 'no-upgrade-headers')).webServers.nginx!;
    const server = nginx.servers[0]!;
    expect(server).toMatchObject({ file: '/etc/nginx/conf.d/api.conf', serverNames: ['api.example.net', 'www.api.example.net'], clientMaxBodySize: '10m' });
    expect(server.locations.map((l) => [l.path, l.proxyPass, l.websocketUpgrade, l.proxyReadTimeoutSeconds, l.alias])).toEqual([
      ['/', 'http://127.0.0.1:8080', false, 90, null],
      ['/socket.io/', 'http://127.0.0.1:8080', true, 90, null],
      ['/static/', null, false, 90, '/srv/api/public/'],
    ]);
  });

  it('reads upgrade through a map, upstreams, regex locations, timeouts and listen flags', () => {
    const nginx = parseSection(nginxSection, probeFixture('nginx', 'map-upgrade')).webServers.nginx!;
    expect(nginx.configFile).toBe('/opt/app/nginx.conf');
    expect(nginx.clientMaxBodySize).toBe('25M');
    expect(nginx.upstreams).toEqual([{ name: 'node_app', servers: ['127.0.0.1:4000', '127.0.0.1:4001', 'unix:/run/app/app.sock'] }]);
    const server = nginx.servers[0]!;
    expect(server.serverNames).toEqual(['app.example.com', '*.app.example.com']);
    expect(server.listen).toEqual([
      { address: '203.0.113.7', port: 443, ssl: true, http2: true, proxyProtocol: false, defaultServer: true },
      { address: null, port: 80, ssl: false, http2: true, proxyProtocol: true, defaultServer: false },
    ]);
    expect(server.locations[0]).toEqual({
      path: '~ ^/api/v[0-9]{1,2}/', proxyPass: 'http://node_app', websocketUpgrade: true, proxyReadTimeoutSeconds: 3600, proxySendTimeoutSeconds: 90,
      root: '/srv/app/public', alias: null, clientMaxBodySize: '200m',
    });
    expect(server.locations.map((l) => l.path)).toEqual(['~ ^/api/v[0-9]{1,2}/', '= /health', '/media/', '~* \\.(png|jpe?g)$']);
  });

  it('falls back to the readable config files when nginx -T needs privileges, and says so', () => {
    const inv = parseSection(nginxSection, probeFixture('nginx', 'unprivileged'), 'user');
    const nginx = inv.webServers.nginx!;
    expect(nginx.configRead).toBe(false);
    expect(nginx.servers.map((s) => s.serverNames[0])).toEqual(['shop.example.org', 'shop.example.org']);
    expect(inv.notRead).toHaveLength(1);
    expect(inv.notRead[0]!.what).toBe('nginx effective config (/etc/nginx/nginx.conf)');
    expect(inv.notRead[0]!.reason).toMatch(/^nginx -T failed \(needs root or sudo; .*cannot load certificate key/);
    expect(() => Inventory.parse(inv)).not.toThrow();
  });

  it('survives hostile output: include loops, broken listens, stray braces, binary, fake marks', () => {
    const inv = parseSection(nginxSection, probeFixture('nginx', 'hostile'));
    expect(() => Inventory.parse(inv)).not.toThrow();
    const nginx = inv.webServers.nginx!;
    expect(nginx.version).toBe('1.18.0');
    expect(nginx.configRead).toBe(false);
    const listened = nginx.servers.flatMap((s) => s.listen.map((l) => l.port));
    expect(listened).toContain(8080);
    expect(listened.every((p) => p > 0 && p < 65536)).toBe(true);
    expect(nginx.servers.some((s) => s.locations.some((l) => l.websocketUpgrade && l.proxyReadTimeoutSeconds === null))).toBe(true);
  });

  it('leaves nginx null when it is not installed', () => {
    expect(parseSection(nginxSection, probeFixture('nginx', 'absent')).webServers.nginx).toBeNull();
    expect(parseSection(nginxSection, '').webServers.nginx).toBeNull();
  });
});
