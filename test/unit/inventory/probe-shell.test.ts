import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SH_MASK, SH_NGINX } from '../../../shared/inventory/probe-shell.js';

const has = (cmd: string) => spawnSync('/bin/sh', ['-c', `command -v ${cmd}`]).status === 0;
const shells = ['dash', 'busybox sh'].filter((s) => has(s.split(' ')[0] ?? ''));
const dir = mkdtempSync(join(os.tmpdir(), 'skylift-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(shell: string, body: string, input: string): string {
  const file = join(dir, 'input');
  writeFileSync(file, input);
  const [bin = '', ...args] = shell.split(' ');
  return spawnSync(bin, [...args, '-c', `${SH_MASK}\n${SH_NGINX}\n${body} < '${file}'`], { encoding: 'utf8' }).stdout;
}

describe.each(shells)('the masking helpers under %s', (shell) => {
  it('print only the names of a dotenv file, skipping the lines of multi-line values', () => {
    const env = 'A=1\nexport B="multi\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\nend"\nC = \'x\'\n# D=1\nE.F=2\nG="one line" # c\n';
    expect(run(shell, 'sky_env_names', env)).toBe('A\nB\nC\nE.F\nG\n');
  });

  it('reduce an ecosystem file to keys and brackets: strings, comments, ternaries and template literals understood', () => {
    const eco = [
      '// env: { NOT_THIS: 1 }',
      "module.exports = { apps: [{ name: 'api', /* x: { y: 1 } */",
      "  env: { PORT: 3000, TOKEN: a ? 'hunter2' : 'dev', 'QUOTED_KEY': \"v:{}\", URL: `http://${'$'}{h}:1`, OPT: a?.b ?? 'c' } }] };",
    ].join('\n');
    const out = run(shell, 'sky_keys_only', eco);
    expect(out.split('\n').join(' ')).toBe('{ apps: [ { name: env: { PORT: TOKEN: QUOTED_KEY: URL: OPT: } } ] } ');
    for (const value of ['hunter2', 'dev', 'api', '3000', 'v:{}']) expect(out).not.toContain(value);
  });

  it('mask NAME=value pairs and URL credentials inline', () => {
    const text = 'web: API_KEY=abc123 SECRET="a b" OTHER=\'c d\' node s.js --x=1 a>=2\n"start": "K=\\"q r\\" node"\nurl https://user:pw@host/x\n';
    expect(run(shell, 'sky_mask_inline', text)).toBe('web: API_KEY=*** SECRET=*** OTHER=*** node s.js --x=*** a>=2\n"start": "K=*** node"\nurl https://***@host/x\n');
  });

  it('mask secret-looking nginx directive values and URL credentials, nothing else', () => {
    const conf = [
      'proxy_set_header Authorization "Bearer abc.def";',
      '  secure_link_secret s3cr3t; root /srv/x;',
      'set $api_key "k1"; proxy_set_header X-Api-Key k2;',
      'proxy_pass http://user:pw@127.0.0.1:3000;',
      'proxy_set_header Upgrade $http_upgrade; proxy_read_timeout 1h;',
      'location /api_key_docs { return 200; }',
    ].join('\n');
    expect(run(shell, 'sky_nginx_mask', `${conf}\n`)).toBe(
      [
        'proxy_set_header Authorization ***;',
        '  secure_link_secret ***; root /srv/x;',
        'set $api_key ***; proxy_set_header X-Api-Key ***;',
        'proxy_pass http://***@127.0.0.1:3000;',
        'proxy_set_header Upgrade $http_upgrade; proxy_read_timeout 1h;',
        'location /api_key_docs { return 200; }',
        '',
      ].join('\n'),
    );
  });
});
