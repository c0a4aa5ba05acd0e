import type { NormalizedSchema } from '@smithy/core/schema';
import { parseTimestamp } from './schema.js';

/** Decodes an AWS Query (or EC2 Query) form body into the operation's input shape, following the
 * same key rules the SDK serializer uses: `List.member.N` (or `List.N` when flattened / EC2),
 * `Map.entry.N.key`, nested `Struct.Member`, and EC2's `ec2QueryName` / capitalised names. */
export function decodeQuery(schema: NormalizedSchema, params: URLSearchParams, ec2: boolean): Record<string, unknown> {
  const values = new Map<string, string>();
  const prefixes = new Set<string>();
  for (const [key, value] of params) {
    values.set(key, value);
    const parts = key.split('.');
    for (let i = 1; i <= parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
  }
  const reader = { values, prefixes, ec2 };
  return (read(reader, schema, '') as Record<string, unknown> | undefined) ?? {};
}

interface Reader {
  values: Map<string, string>;
  prefixes: Set<string>;
  ec2: boolean;
}

const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

function memberKey(r: Reader, member: NormalizedSchema, memberName: string): string {
  const traits = member.getMergedTraits();
  if (r.ec2 && traits.ec2QueryName) return String(traits.ec2QueryName);
  const key = traits.xmlName ?? memberName;
  return r.ec2 ? key[0]!.toUpperCase() + key.slice(1) : key;
}

function read(r: Reader, ns: NormalizedSchema, prefix: string): unknown {
  if (ns.isStructSchema()) {
    if (prefix && !r.prefixes.has(prefix)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      const value = read(r, member, join(prefix, memberKey(r, member, name)));
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (ns.isListSchema()) {
    if (!r.prefixes.has(prefix)) return undefined;
    if (r.values.get(prefix) === '') return [];
    const item = ns.getValueSchema();
    const flat = r.ec2 || Boolean(ns.getMergedTraits().xmlFlattened);
    const base = flat ? prefix : join(prefix, item.getMergedTraits().xmlName ?? 'member');
    const out: unknown[] = [];
    for (let i = 1; r.prefixes.has(`${base}.${i}`); i++) out.push(read(r, item, `${base}.${i}`));
    return out;
  }
  if (ns.isMapSchema()) {
    if (!r.prefixes.has(prefix)) return undefined;
    const base = ns.getMergedTraits().xmlFlattened ? prefix : join(prefix, 'entry');
    const keyName = ns.getKeySchema().getMergedTraits().xmlName ?? 'key';
    const valueName = ns.getValueSchema().getMergedTraits().xmlName ?? 'value';
    const out: Record<string, unknown> = {};
    for (let i = 1; r.prefixes.has(`${base}.${i}`); i++) {
      const key = r.values.get(`${base}.${i}.${keyName}`);
      if (key !== undefined) out[key] = read(r, ns.getValueSchema(), `${base}.${i}.${valueName}`);
    }
    return out;
  }
  const text = r.values.get(prefix);
  return text === undefined ? undefined : scalar(ns, text);
}

/** A scalar from its text form, as every XML/query codec writes it. */
export function scalar(ns: NormalizedSchema, text: string): unknown {
  if (ns.isBooleanSchema()) return text === 'true';
  if (ns.isNumericSchema()) return Number(text);
  if (ns.isTimestampSchema()) return parseTimestamp(text);
  if (ns.isBlobSchema()) return Buffer.from(text, 'base64');
  return text;
}
