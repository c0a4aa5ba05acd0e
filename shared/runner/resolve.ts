/**
 * Resolving plan values at apply time: `$ref` (an earlier step's output), `$join`, `$each`,
 * `$sourceEnv` (read from the box) and `$parameter` (read from SSM). Every resolution also
 * gives a display form in which values read from the box or SSM are replaced by a placeholder:
 * that form, never the real one, is what the journal and the logs keep.
 */

import type { Json } from './jmespath.js';

export interface SourceEnvSpec {
  host: string;
  dir: string;
  name: string;
  replaceHost?: string;
}

export interface ValueSources {
  /** An earlier step's output; throws when the step has not produced it. */
  output(step: string, name: string): Json;
  sourceEnv(spec: SourceEnvSpec): Promise<string>;
  parameter(name: string): Promise<string>;
}

export interface Resolved {
  value: Json;
  /** The same shape with secret-derived parts masked. */
  display: Json;
  /** Whether any part came from the box's environment or SSM. */
  secret: boolean;
}

const isObject = (v: Json): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

function only(v: { [key: string]: Json }, key: string): Json | undefined {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === key ? v[key] : undefined;
}

/** `step.output` → [step, output]; step ids hold no dots, outputs may. */
export function splitRef(ref: string): [string, string] {
  const dot = ref.indexOf('.');
  if (dot <= 0) throw new Error(`malformed $ref "${ref}": expected "<step-id>.<output>"`);
  return [ref.slice(0, dot), ref.slice(dot + 1)];
}

/** Replaces the host of a URL (`scheme://user:pw@HOST:port/…`) or of `host[:port]`, keeping the rest. */
export function replaceHost(value: string, host: string): string {
  const url = /^([A-Za-z][\w+.-]*:\/\/)([^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(.*)$/s.exec(value);
  if (url) return `${url[1]}${url[2] ?? ''}${host}${url[4]}`;
  const bare = /^(\[[^\]]*\]|[^:/\s]+)(:\d+)?$/.exec(value);
  if (bare) return `${host}${bare[2] ?? ''}`;
  return value;
}

/** The spec with `replaceHost` still unresolved (it may be a `$ref`). */
function sourceEnvSpec(v: Json): Omit<SourceEnvSpec, 'replaceHost'> & { replaceHost?: Json } {
  if (!isObject(v) || typeof v.host !== 'string' || typeof v.dir !== 'string' || typeof v.name !== 'string') {
    throw new Error('malformed $sourceEnv: expected { host, dir, name, replaceHost? }');
  }
  return { host: v.host, dir: v.dir, name: v.name, ...(v.replaceHost !== undefined && v.replaceHost !== null ? { replaceHost: v.replaceHost } : {}) };
}

const text = (v: Json): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Resolves every reference form inside a value (depth first). `$each` stays as `{ $each: [...] }` for `expandEach`. */
export async function resolveValue(value: Json, sources: ValueSources): Promise<Resolved> {
  if (Array.isArray(value)) {
    const parts = await Promise.all(value.map((v) => resolveValue(v, sources)));
    return { value: parts.map((p) => p.value), display: parts.map((p) => p.display), secret: parts.some((p) => p.secret) };
  }
  if (!isObject(value)) return { value, display: value, secret: false };
  const ref = only(value, '$ref');
  if (typeof ref === 'string') {
    const [step, name] = splitRef(ref);
    const out = sources.output(step, name);
    return { value: out, display: out, secret: false };
  }
  const join = only(value, '$join');
  if (Array.isArray(join)) {
    const parts = await Promise.all(join.map((v) => resolveValue(v, sources)));
    return { value: parts.map((p) => text(p.value)).join(''), display: parts.map((p) => text(p.display)).join(''), secret: parts.some((p) => p.secret) };
  }
  const each = only(value, '$each');
  if (each !== undefined) {
    const inner = await resolveValue(each, sources);
    if (!Array.isArray(inner.value)) throw new Error('$each needs a list');
    return { value: { $each: inner.value }, display: { $each: inner.display }, secret: inner.secret };
  }
  const env = only(value, '$sourceEnv');
  if (env !== undefined) {
    const raw = sourceEnvSpec(env);
    const replaced = raw.replaceHost === undefined ? undefined : await resolveValue(raw.replaceHost, sources);
    const spec: SourceEnvSpec = { host: raw.host, dir: raw.dir, name: raw.name, ...(replaced ? { replaceHost: text(replaced.value) } : {}) };
    const read = await sources.sourceEnv({ host: spec.host, dir: spec.dir, name: spec.name });
    return { value: spec.replaceHost ? replaceHost(read, spec.replaceHost) : read, display: `<${spec.name} from ${spec.host}:${spec.dir}>`, secret: true };
  }
  const parameter = only(value, '$parameter');
  if (typeof parameter === 'string') {
    return { value: await sources.parameter(parameter), display: `<SSM ${parameter}>`, secret: true };
  }
  const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveValue(v, sources)] as const));
  return {
    value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])),
    display: Object.fromEntries(entries.map(([k, r]) => [k, r.display])),
    secret: entries.some(([, r]) => r.secret),
  };
}

function findEach(value: Json, path: (string | number)[] = []): { path: (string | number)[]; items: Json[] } | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findEach(value[i]!, [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (!isObject(value)) return null;
  const each = only(value, '$each');
  if (Array.isArray(each)) return { path, items: each };
  for (const [k, v] of Object.entries(value)) {
    const found = findEach(v, [...path, k]);
    if (found) return found;
  }
  return null;
}

function replaceAt(value: Json, path: (string | number)[], item: Json): Json {
  if (path.length === 0) return item;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, item) : v));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === head ? replaceAt(v, rest, item) : v]));
  return value;
}

/** One parameter set per `$each` element (the same position in `display` is expanded alike); no `$each`: the value itself. */
export function expandEach(resolved: { value: Json; display: Json }): { value: Json; display: Json }[] {
  const found = findEach(resolved.value);
  if (!found) return [resolved];
  const shown = findEach(resolved.display);
  return found.items.flatMap((item, i) =>
    expandEach({ value: replaceAt(resolved.value, found.path, item), display: replaceAt(resolved.display, found.path, shown?.items[i] ?? item) }),
  );
}

/** Every `$ref` inside a value, as [step, output]. */
export function refsOf(value: Json): [string, string][] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (!isObject(value)) return [];
  const ref = only(value, '$ref');
  if (typeof ref === 'string') return [splitRef(ref)];
  return Object.values(value).flatMap(refsOf);
}
