import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Inventory } from '../../../shared/schema/inventory.js';
import { runPlan } from './run-plan.js';

const NGINX = '/usr/sbin/nginx';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Lays the bundle's .platform/nginx files out the way the AL2023 platform includes them, and runs `nginx -t`. */
function nginxTest(files: Record<string, string>, bundleDir: string): { status: number | null; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'skylift-nginx-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    if (!path.startsWith(`${bundleDir}/.platform/nginx/`)) continue;
    const target = join(root, path.slice(`${bundleDir}/.platform/nginx/`.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  mkdirSync(join(root, 'conf.d/elasticbeanstalk'), { recursive: true });
  writeFileSync(
    join(root, 'nginx.conf'),
    [
      `pid ${root}/nginx.pid;`,
      `error_log ${root}/error.log;`,
      'events {}',
      'http {',
      `  include ${root}/conf.d/*.conf;`,
      '  server {',
      '    listen 127.0.0.1:8099;',
      `    include ${root}/conf.d/elasticbeanstalk/*.conf;`,
      '  }',
      '}',
    ].join('\n'),
  );
  const r = spawnSync(NGINX, ['-t', '-p', root, '-c', join(root, 'nginx.conf'), '-e', join(root, 'error.log')], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the eb/ bundle', () => {
  for (const [name, inv] of Object.entries(SAMPLES)) {
    it(`${name}: nginx accepts the .platform override, YAML files parse, settings match the design`, () => {
      const { design, files } = runPlan([structuredClone(inv as Inventory)], { 'app.legacy.dir.uploads': 's3', 'app.legacy.dir.tmp': 'efs' });
      for (const env of design.resources.environments) {
        const result = nginxTest(files, env.bundleDir);
        expect(result.status, result.output).toBe(0);
        const options = parse(files[`${env.bundleDir}/.ebextensions/01-options.config`] as string) as { option_settings: Record<string, Record<string, string>> };
        for (const s of env.optionSettings.filter((x) => typeof x.value === 'string')) {
          expect(options.option_settings[s.namespace]?.[s.optionName], `${s.namespace} ${s.optionName}`).toBe(s.value);
        }
        const environment = parse(files[`${env.bundleDir}/.ebextensions/02-environment.config`] as string) as { option_settings: Record<string, Record<string, string>> };
        expect(environment.option_settings['aws:elasticbeanstalk:application:environment']?.PORT).toBe('8080');
        for (const path of Object.keys(files).filter((p) => p.startsWith(env.bundleDir) && (p.endsWith('.config') || p.endsWith('.yaml')))) {
          expect(() => parse(files[path] as string), path).not.toThrow();
        }
        expect(files[`${env.bundleDir}/Procfile`]).toMatch(/^web: \S.*\n$/);
      }
    });
  }

  it('writes cron.yaml for a worker and mounts EFS when chosen', () => {
    const { files } = runPlan([structuredClone(SAMPLES['node12-uploads-crons'] as Inventory)], { 'app.legacy.dir.uploads': 'efs', 'app.legacy.dir.tmp': 'ephemeral' });
    expect(parse(files['eb/cron.yaml'] as string)).toEqual({ version: 1, cron: [{ name: 'job-1', url: '/jobs/job-1', schedule: '0 7 * * *' }] });
    const efs = parse(files['eb/.ebextensions/04-efs.config'] as string) as { container_commands: Record<string, { command: string }> };
    expect(Object.values(efs.container_commands).map((c) => c.command)).toEqual([
      'mkdir -p /mnt/efs && (mountpoint -q /mnt/efs || mount -t efs -o tls "$(/opt/elasticbeanstalk/bin/get-config environment -k SKYLIFT_EFS_ID)":/ /mnt/efs)',
      'mkdir -p /mnt/efs/uploads && rm -rf uploads && ln -sfn /mnt/efs/uploads uploads',
    ]);
  });

  it('passes WebSocket upgrades and keeps the box body-size limit', () => {
    const { files } = runPlan([structuredClone(SAMPLES['two-apps'] as Inventory)]);
    expect(files['eb/api/.platform/nginx/conf.d/elasticbeanstalk/00_application.conf']).toContain('proxy_set_header    Connection          $skylift_connection_upgrade;');
    expect(files['eb/api/.platform/nginx/conf.d/elasticbeanstalk/00_application.conf']).toContain('proxy_read_timeout  3600s;');
    expect(files['eb/web/.platform/nginx/conf.d/elasticbeanstalk/00_application.conf']).toContain('Connection          "";');
    const legacy = runPlan([structuredClone(SAMPLES['node12-uploads-crons'] as Inventory)]).files;
    expect(legacy['eb/.platform/nginx/conf.d/skylift-http.conf']).toContain('client_max_body_size 50m;');
  });
});
