import type { NormalizedSchema } from '@smithy/core/schema';
import { scalar } from './query.js';
import { formatTimestamp, timestampFormat, xmlNames } from './schema.js';

export const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export const element = (name: string, inner: string, attrs = '') => `<${name}${attrs}>${inner}</${name}>`;

/** Writes a value as the XML content of a shape, the way AWS's XML protocols lay it out
 * (non-flattened lists wrap items in `member` or the item's xmlName, maps use entry/key/value). */
export function xmlContent(ns: NormalizedSchema, value: unknown): string {
  if (value == null) return '';
  if (ns.isStructSchema()) {
    let out = '';
    const record = value as Record<string, unknown>;
    for (const [name, member] of ns.structIterator()) {
      const v = record[name];
      if (v == null || member.getMergedTraits().xmlAttribute) continue;
      out += xmlMember(member, name, v);
    }
    return out;
  }
  if (ns.isListSchema()) {
    const item = ns.getValueSchema();
    const tag = item.getMergedTraits().xmlName ?? 'member';
    return (value as unknown[]).map((v) => element(tag, xmlContent(item, v))).join('');
  }
  if (ns.isMapSchema()) return mapEntries(ns, value as Record<string, unknown>, 'entry');
  return escapeXml(scalarText(ns, value));
}

function mapEntries(ns: NormalizedSchema, map: Record<string, unknown>, tag: string): string {
  const keyTag = ns.getKeySchema().getMergedTraits().xmlName ?? 'key';
  const valueTag = ns.getValueSchema().getMergedTraits().xmlName ?? 'value';
  return Object.entries(map)
    .map(([k, v]) => element(tag, element(keyTag, escapeXml(k)) + element(valueTag, xmlContent(ns.getValueSchema(), v))))
    .join('');
}

function xmlMember(member: NormalizedSchema, name: string, value: unknown): string {
  const tag = member.getMemberTraits().xmlName ?? name;
  if (member.getMergedTraits().xmlFlattened) {
    if (member.isListSchema()) return (value as unknown[]).map((v) => element(tag, xmlContent(member.getValueSchema(), v))).join('');
    if (member.isMapSchema()) return mapEntries(member, value as Record<string, unknown>, tag);
  }
  return element(tag, xmlContent(member, value));
}

export function scalarText(ns: NormalizedSchema, value: unknown, fallback: 'date-time' | 'http-date' = 'date-time'): string {
  if (ns.isTimestampSchema()) return formatTimestamp(value, timestampFormat(ns, fallback));
  if (ns.isBlobSchema()) return Buffer.from(value as Uint8Array).toString('base64');
  return String(value);
}

/** A parsed XML element: enough of XML for request bodies (no DTDs, no mixed content). */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? m),
  );

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack = [root];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>]+)([^>]*?)(\/?)>|([^<]+)/g;
  for (const m of xml.matchAll(re)) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      if (stack.length === 1 || top.name !== localName(m[2])) throw new Error(`malformed XML: unexpected </${m[2]}>`);
      stack.pop();
    } else if (m[3] !== undefined) {
      const el: XmlElement = { name: localName(m[3]), children: [], text: '' };
      top.children.push(el);
      if (m[5] !== '/') stack.push(el);
    } else if (m[6] !== undefined) top.text += decodeEntities(m[6]);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('malformed XML: unclosed element or several roots');
  return root.children[0]!;
}

const localName = (n: string) => n.slice(n.indexOf(':') + 1);

/** Reads an element back into a shape (rest-xml request bodies). */
export function readXml(ns: NormalizedSchema, el: XmlElement): unknown {
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      const names = xmlNames(member, name);
      const matches = el.children.filter((c) => names.includes(c.name));
      if (matches.length === 0) continue;
      out[name] =
        member.getMergedTraits().xmlFlattened && member.isListSchema()
          ? matches.map((m) => readXml(member.getValueSchema(), m))
          : readXml(member, matches[0]!);
    }
    return out;
  }
  if (ns.isListSchema()) return el.children.map((c) => readXml(ns.getValueSchema(), c));
  if (ns.isMapSchema()) {
    const out: Record<string, unknown> = {};
    for (const entry of el.children) {
      const key = entry.children.find((c) => c.name === (ns.getKeySchema().getMergedTraits().xmlName ?? 'key'));
      const value = entry.children.find((c) => c.name === (ns.getValueSchema().getMergedTraits().xmlName ?? 'value'));
      if (key && value) out[key.text] = readXml(ns.getValueSchema(), value);
    }
    return out;
  }
  return scalar(ns, ns.isStringSchema() ? el.text : el.text.trim());
}
