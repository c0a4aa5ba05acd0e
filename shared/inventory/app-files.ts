import type { App } from '../schema/inventory.js';
import { redactSecrets } from './redact.js';

/** Pure readers of what the apps section sends about an app's files. */

export type PackageJson = NonNullable<App['packageJson']>;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The fields Skylift keeps from a package.json text (the whole file, or node's picked subset). */
export function packageJsonOf(text: string): PackageJson | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const p = record(parsed);
  const dependencies: Record<string, string> = {};
  for (const [name, version] of [...Object.entries(record(p.devDependencies)), ...Object.entries(record(p.dependencies))]) {
    if (typeof version === 'string') dependencies[name] = redactSecrets(version);
  }
  const start = str(record(p.scripts).start);
  return {
    name: str(p.name),
    version: str(p.version),
    enginesNode: str(record(p.engines).node),
    startScript: start === null ? null : redactSecrets(start),
    main: str(p.main),
    dependencies,
  };
}

/** Env names declared in `env` / `env_*` objects of an ecosystem file, from its `KEY:` / bracket tokens (sky_keys_only). */
export function ecosystemEnvNames(tokens: readonly string[]): string[] {
  const stack: Array<{ ch: string; key: string | null }> = [];
  const names: string[] = [];
  let key: string | null = null;
  for (const raw of tokens) {
    const t = raw.trim();
    if (t.length > 1 && t.endsWith(':')) {
      const top = stack[stack.length - 1];
      if (top?.ch === '{' && top.key !== null && /^env(_\w+)?$/.test(top.key)) names.push(t.slice(0, -1));
      key = t.slice(0, -1);
      continue;
    }
    if (t === '{' || t === '[') stack.push({ ch: t, key });
    else if (t === '}' || t === ']') stack.pop();
    key = null;
  }
  return names;
}

/** A plausible environment variable name (anything else read as one is dropped). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** What the dependencies (and upload dirs) say the app uses. */
export function dependencyFlags(deps: Record<string, string>, writableDirs: App['writableDirs']): App['flags'] {
  const has = (...names: string[]) => names.some((n) => Object.hasOwn(deps, n));
  return {
    socketio: has('socket.io'),
    ws: has('ws'),
    express: has('express'),
    postgres: has('pg', 'pg-promise', 'postgres'),
    mysql: has('mysql', 'mysql2'),
    redis: has('redis', 'ioredis'),
    socketioRedisAdapter: has('@socket.io/redis-adapter', 'socket.io-redis'),
    memcached: has('memcached', 'memjs'),
    uploads:
      has('multer', 'formidable', 'busboy', 'express-fileupload') || writableDirs.some((w) => w.path.endsWith('/uploads')),
  };
}
