import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresService } from '../../support/services.js';
import { startBox, type TestBox } from './box.js';

const REPO = resolve(import.meta.dirname, '../../..');
const PASSWORD = `p-${randomBytes(8).toString('hex')}`;

let box: TestBox;
let source: PostgresService;
let target: PostgresService;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: { type: string; [k: string]: unknown }[];
}

/** `skylift …` from the sources, with its output piped (so: JSON lines) and a home of its own. */
function skylift(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH, HOME: box.dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr, lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run['lines'][number]) }));
  });
}

const boxArgs = (): string[] => [box.destination, '-i', box.keyPath, '--known-hosts', box.knownHosts, '--ssh-config', '/dev/null'];
const pgArgs = (): string[] => ['--engine', 'postgres', '--database', 'app', '--source-host', source.socketDir, '--source-port', String(source.port)];

beforeAll(async () => {
  [box, source, target] = await Promise.all([startBox(), startPostgres(), startPostgres()]);
  await source.query('create database app');
  await source.query("create table notes (id serial primary key, body text, at timestamptz default now()); insert into notes (body) select 'note ' || g || ' 😀' from generate_series(1, 500) g", 'app');
  await target.query(`create role master login password '${PASSWORD}' createdb`);
});

afterAll(async () => {
  await box?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('skylift data (CLI)', () => {
  it('copy prints JSON lines when piped: typed progress events, then the verified result; never the password', async () => {
    const r = await skylift(['data', 'copy', ...boxArgs(), ...pgArgs(), '--to', `postgres://master:${PASSWORD}@127.0.0.1:${target.port}/appcopy?sslmode=disable`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const progress = r.lines.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThan(3);
    expect(progress[0]).toMatchObject({ engine: 'postgres', phase: 'check', unit: 'tables' });
    const result = r.lines.at(-1)!;
    expect(result).toMatchObject({ type: 'result', engine: 'postgres', items: 1, verify: { ok: true } });
    expect((result.endpoints as { target: string }).target).toBe(`postgres://master:***@127.0.0.1:${target.port}/appcopy?sslmode=disable`);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('verify takes the password from SKYLIFT_TARGET_PASSWORD and reports equal', async () => {
    const r = await skylift(['data', 'verify', ...boxArgs(), ...pgArgs(), '--against', `postgres://master@127.0.0.1:${target.port}/appcopy?sslmode=disable`], { SKYLIFT_TARGET_PASSWORD: PASSWORD });
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toMatchObject({ type: 'result', ok: true, tables: [{ table: 'public.notes', sourceRows: 500, match: true }] });
  });

  it('fails with a coded error line and a hint on stderr, exit 1, password never shown', async () => {
    const wrong = `w-${randomBytes(6).toString('hex')}`;
    const r = await skylift(['data', 'copy', ...boxArgs(), ...pgArgs(), '--to', `postgres://master:${wrong}@127.0.0.1:${target.port}/other?sslmode=disable`]);
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatchObject({ type: 'error', code: 'TARGET_AUTH' });
    expect(r.stderr).toMatch(/^skylift: \[TARGET_AUTH\] .*\n  what to do: /);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it('refuses a second copy into the same database with TARGET_NOT_EMPTY, and says memcached is a cold start', async () => {
    const again = await skylift(['data', 'copy', ...boxArgs(), ...pgArgs(), '--to', `postgres://master:${PASSWORD}@127.0.0.1:${target.port}/appcopy?sslmode=disable`]);
    expect(again.code).toBe(1);
    expect(again.lines.at(-1)).toMatchObject({ type: 'error', code: 'TARGET_NOT_EMPTY' });
    const cache = await skylift(['data', 'copy', ...boxArgs(), '--engine', 'memcached']);
    expect(cache.code).toBe(0);
    expect(cache.lines[0]).toMatchObject({ type: 'notice', message: expect.stringContaining('starts cold') });
  });
});
