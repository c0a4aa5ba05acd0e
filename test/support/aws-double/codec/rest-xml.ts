import type { IncomingHttpHeaders } from 'node:http';
import type { NormalizedSchema } from '@smithy/core/schema';
import { scalar } from './query.js';
import type { OperationModel } from './schema.js';
import { element, parseXml, readXml, scalarText, xmlContent } from './xml.js';

export interface RestRequest {
  method: string;
  /** Percent-encoded path, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RestReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Matches a Smithy URI template (`/2013-04-01/hostedzone/{Id}/rrset`, `/{Key+}`) against a path;
 * returns the labels, or undefined when the path or the template's literal query keys differ. */
export function matchUri(template: string, req: RestRequest, prefix = ''): Record<string, string> | undefined {
  const [pathPart = '', queryPart = ''] = template.split('?');
  const names: string[] = [];
  const pattern = (prefix + pathPart).replace(/\{([^}+]+)(\+)?\}|[^{]+/g, (m, name: string | undefined, greedy) => {
    if (!name) return m.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    names.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  const match = new RegExp(`^${pattern}$`).exec(req.path);
  if (!match) return undefined;
  for (const [key] of new URLSearchParams(queryPart)) if (key !== 'x-id' && !req.query.has(key)) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
}

function bindings(ns: NormalizedSchema) {
  return [...ns.structIterator()].map(([name, member]) => ({ name, member, traits: member.getMergedTraits() }));
}

const isBound = (t: Record<string, unknown>) =>
  Boolean(t.httpLabel || t.httpHeader || t.httpQuery || t.httpPrefixHeaders !== undefined || t.httpPayload || t.httpQueryParams || t.httpResponseCode);

export function decodeRestXml(model: OperationModel, req: RestRequest, labels: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const members = bindings(model.input);
  const payload = members.find((m) => m.traits.httpPayload);
  if (payload) {
    if (req.body.length > 0) {
      if (payload.member.isStructSchema()) input[payload.name] = readXml(payload.member, parseXml(req.body.toString('utf8')));
      else input[payload.name] = payload.member.isStringSchema() ? req.body.toString('utf8') : req.body;
    }
  } else if (req.body.length > 0 && members.some((m) => !isBound(m.traits))) {
    Object.assign(input, readXml(model.input, parseXml(req.body.toString('utf8'))));
  }
  for (const { name, member, traits } of members) {
    if (traits.httpLabel && labels[name] !== undefined) input[name] = scalar(member, labels[name]);
    else if (typeof traits.httpQuery === 'string') {
      const all = req.query.getAll(traits.httpQuery);
      if (all.length) input[name] = member.isListSchema() ? all.map((v) => scalar(member.getValueSchema(), v)) : scalar(member, all[0]!);
    } else if (typeof traits.httpHeader === 'string') {
      const raw = req.headers[traits.httpHeader.toLowerCase()];
      if (raw !== undefined) {
        const text = Array.isArray(raw) ? raw.join(',') : raw;
        input[name] = member.isListSchema() ? text.split(',').map((v) => scalar(member.getValueSchema(), v.trim())) : scalar(member, text);
      }
    } else if (typeof traits.httpPrefixHeaders === 'string') {
      const prefix = traits.httpPrefixHeaders.toLowerCase();
      const map = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), String(v)]),
      );
      if (Object.keys(map).length) input[name] = map;
    }
  }
  return input;
}

export function encodeRestXml(model: OperationModel, output: Record<string, unknown>, xmlNamespace: string): RestReply {
  const headers: Record<string, string> = {};
  let status = model.http?.[2] ?? 200;
  const body: Record<string, unknown> = {};
  let payloadBody: Buffer | string | undefined;
  for (const { name, member, traits } of bindings(model.output)) {
    const value = output[name];
    if (value == null) continue;
    if (traits.httpResponseCode) status = Number(value);
    else if (typeof traits.httpHeader === 'string') {
      headers[traits.httpHeader.toLowerCase()] = member.isListSchema()
        ? (value as unknown[]).map((v) => scalarText(member.getValueSchema(), v, 'http-date')).join(',')
        : scalarText(member, value, 'http-date');
    } else if (typeof traits.httpPrefixHeaders === 'string') {
      for (const [k, v] of Object.entries(value as object)) headers[`${traits.httpPrefixHeaders.toLowerCase()}${k}`] = String(v);
    } else if (traits.httpPayload) {
      payloadBody = member.isStructSchema()
        ? xmlDocument(traits.xmlName ?? member.getName() ?? name, xmlContent(member, value), xmlNamespace)
        : Buffer.isBuffer(value) || value instanceof Uint8Array ? Buffer.from(value) : String(value);
    } else if (!isBound(traits)) body[name] = value;
  }
  if (payloadBody !== undefined) return { status, headers, body: payloadBody };
  if (Object.keys(body).length === 0) return { status, headers, body: '' };
  const root = model.output.getMergedTraits().xmlName ?? model.output.getName() ?? `${model.name}Response`;
  return { status, headers: { ...headers, 'content-type': 'application/xml' }, body: xmlDocument(root, xmlContent(model.output, body), xmlNamespace) };
}

export const xmlDocument = (root: string, inner: string, xmlNamespace?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, inner, xmlNamespace ? ` xmlns="${xmlNamespace}"` : '')}`;
