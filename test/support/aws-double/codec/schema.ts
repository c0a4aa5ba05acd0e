import { NormalizedSchema, translateTraits } from '@smithy/core/schema';

/** One operation as the SDK's own Smithy model describes it: the double decodes requests and
 * encodes replies from the same model AWS generates its services from, so names, list wrappers
 * and timestamp formats follow the wire format rather than a hand-written guess. */
export interface OperationModel {
  name: string;
  input: NormalizedSchema;
  output: NormalizedSchema;
  /** [method, uri template, success status] for REST protocols. */
  http?: [string, string, number];
}

type StaticOperation = [9, string, string, unknown, unknown, unknown];

const cache = new WeakMap<object, Map<string, OperationModel | undefined>>();

/** Looks an operation up in a client package's exported schemas (`<Operation>$`). */
export function operationModel(sdk: Record<string, unknown>, operation: string): OperationModel | undefined {
  let byName = cache.get(sdk);
  if (!byName) cache.set(sdk, (byName = new Map()));
  if (byName.has(operation)) return byName.get(operation);
  const raw = sdk[`${operation}$`];
  let model: OperationModel | undefined;
  if (Array.isArray(raw) && raw[0] === 9) {
    const [, , name, traits, input, output] = raw as StaticOperation;
    const http = (translateTraits((traits ?? 0) as never) as { http?: [string, string, number] }).http;
    model = {
      name,
      input: NormalizedSchema.of(input as never),
      output: NormalizedSchema.of(output as never),
      ...(http ? { http } : {}),
    };
  }
  byName.set(operation, model);
  return model;
}

/** The timestamp format a schema asks for, else the protocol's default. */
export function timestampFormat(ns: NormalizedSchema, fallback: 'date-time' | 'epoch-seconds' | 'http-date') {
  const raw = ns.getSchema();
  if (raw === 5) return 'date-time';
  if (raw === 6) return 'http-date';
  if (raw === 7) return 'epoch-seconds';
  return fallback;
}

export function formatTimestamp(value: unknown, format: 'date-time' | 'epoch-seconds' | 'http-date'): string {
  const date = value instanceof Date ? value : new Date(value as string | number);
  if (format === 'epoch-seconds') return String(date.getTime() / 1000);
  if (format === 'http-date') return date.toUTCString();
  return date.toISOString();
}

export function parseTimestamp(text: string): Date {
  return /^\d+(\.\d+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
}

/** Member name on the wire, read leniently: the SDK's XML serializers disagree on member vs target traits. */
export function xmlNames(member: NormalizedSchema, memberName: string): string[] {
  const names = [member.getMemberTraits().xmlName, member.getMergedTraits().xmlName, memberName];
  return [...new Set(names.filter((n): n is string => typeof n === 'string'))];
}
