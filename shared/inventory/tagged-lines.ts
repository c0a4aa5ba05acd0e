/**
 * The line format most probe sections print: `TAG value` lines, where a line `| text` carries raw
 * text (a config file, a command's reply) belonging to the tagged line before it. Prefixing raw
 * text keeps it from ever looking like a tag or a probe frame mark.
 */
import { toInt } from './parse-records.js';
import type { ParseContext } from './section.js';

export interface TaggedLine {
  tag: string;
  value: string;
  /** The `| ` lines that followed, without the prefix. */
  raw: string[];
}

export function readTagged(text: string): TaggedLine[] {
  const out: TaggedLine[] = [];
  for (const line of text.split('\n')) {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean.startsWith('|')) {
      out[out.length - 1]?.raw.push(clean.startsWith('| ') ? clean.slice(2) : clean.slice(1));
      continue;
    }
    if (clean.trim() === '') continue;
    const sp = clean.indexOf(' ');
    out.push(sp === -1 ? { tag: clean, value: '', raw: [] } : { tag: clean.slice(0, sp), value: clean.slice(sp + 1), raw: [] });
  }
  return out;
}

/** Splits tagged lines into records, each opened by a `start` line; lines before the first are dropped. */
export function recordsOf(lines: readonly TaggedLine[], start: string): TaggedLine[][] {
  const records: TaggedLine[][] = [];
  for (const l of lines) {
    if (l.tag === start) records.push([l]);
    else records[records.length - 1]?.push(l);
  }
  return records;
}

export function valueOf(lines: readonly TaggedLine[], tag: string): string | null {
  const v = lines.find((l) => l.tag === tag)?.value.trim();
  return v ? v : null;
}

export function toPort(text: string | null | undefined): number | null {
  const n = toInt(text ?? undefined);
  return n !== null && n > 0 && n < 65536 ? n : null;
}

/** `key:value` / `key value` pairs of a reply (redis INFO, memcached stats), last one winning. */
export function keyValues(lines: readonly string[], separator: RegExp): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines) {
    const m = separator.exec(line);
    if (m && m.index > 0) map.set(line.slice(0, m.index).trim(), line.slice(m.index + m[0].length).trim());
  }
  return map;
}

/**
 * The servers of a database or cache section: one per `server` record. Each one whose contents
 * could not be read is also named in notRead, as `what(server)`, with its reason.
 */
export function serverRecords<T extends { unreadable: string | null }>(
  lines: readonly TaggedLine[],
  ctx: ParseContext,
  serverOf: (record: TaggedLine[]) => T,
  what: (server: T) => string,
): T[] {
  return recordsOf(lines, 'server').map((record) => {
    const server = serverOf(record);
    if (server.unreadable) ctx.notRead.push({ what: what(server), reason: server.unreadable });
    return server;
  });
}
