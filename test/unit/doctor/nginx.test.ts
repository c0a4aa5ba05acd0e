import { describe, expect, it } from 'vitest';
import { listensWithProxyProtocol, nginxSeconds, proxyBlocks } from '../../../shared/doctor/nginx.js';

describe('reading a bundle\'s nginx files', () => {
  it('reads nginx times', () => {
    expect(['90', '90s', '5m', '1h', '1m30s', '', 'soon'].map(nginxSeconds)).toEqual([90, 90, 300, 3600, 90, null, null]);
  });

  it('ignores comments and files without proxy_pass, takes the shortest timeout, accepts any Connection value naming upgrade', () => {
    const blocks = proxyBlocks({
      'a.conf': 'client_max_body_size 10m;',
      'b.conf': [
        'location / {',
        '  # proxy_set_header Upgrade $http_upgrade;',
        '  proxy_pass http://127.0.0.1:8080;',
        '  proxy_http_version 1.1;',
        '  proxy_set_header Upgrade $http_upgrade;',
        '  proxy_set_header Connection "upgrade";',
        '  proxy_read_timeout 2m;',
        '}',
        'location /slow { proxy_pass http://127.0.0.1:8080; proxy_read_timeout 15; }',
      ].join('\n'),
    });
    expect(blocks).toEqual([{ file: 'b.conf', passesUpgrade: true, missing: [], readTimeoutSeconds: 15, sendTimeoutSeconds: 60 }]);
  });

  it('sees a listen with proxy_protocol, not a commented one', () => {
    expect(listensWithProxyProtocol({ 'nginx.conf': 'server { listen 80 proxy_protocol default_server; }' })).toBe(true);
    expect(listensWithProxyProtocol({ 'nginx.conf': 'server { # listen 80 proxy_protocol;\n listen 80; }' })).toBe(false);
  });
});
