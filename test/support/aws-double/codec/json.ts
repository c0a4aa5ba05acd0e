import type { NormalizedSchema } from '@smithy/core/schema';
import { formatTimestamp, timestampFormat } from './schema.js';

/** Walks a value along its shape, converting the leaves (undefined members are dropped). */
function mapShape(ns: NormalizedSchema, value: unknown, leaf: (ns: NormalizedSchema, value: unknown) => unknown): unknown {
  if (value == null) return undefined;
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    for (const [name, member] of ns.structIterator()) {
      const v = mapShape(member, record[name], leaf);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  if (ns.isListSchema()) return (value as unknown[]).map((v) => mapShape(ns.getValueSchema(), v, leaf));
  if (ns.isMapSchema()) return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, mapShape(ns.getValueSchema(), v, leaf)]));
  return leaf(ns, value);
}

/** awsJson 1.0/1.1 bodies: plain member names, timestamps as epoch seconds, blobs as base64. */
export const fromJson = (ns: NormalizedSchema, value: unknown) =>
  mapShape(ns, value, (leaf, v) => {
    if (leaf.isTimestampSchema()) return typeof v === 'number' ? new Date(v * 1000) : new Date(v as string);
    if (leaf.isBlobSchema()) return Buffer.from(v as string, 'base64');
    return v;
  });

export const toJson = (ns: NormalizedSchema, value: unknown) =>
  mapShape(ns, value, (leaf, v) => {
    if (leaf.isTimestampSchema()) {
      const format = timestampFormat(leaf, 'epoch-seconds');
      return format === 'epoch-seconds' ? Number(formatTimestamp(v, format)) : formatTimestamp(v, format);
    }
    if (leaf.isBlobSchema()) return Buffer.from(v as Uint8Array).toString('base64');
    return v;
  });
