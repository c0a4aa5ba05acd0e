/**
 * The line format the system sections print: one record per line, `tag<TAB>field<TAB>…`.
 * Each line stands alone, so a cut or garbled output loses only the lines it touched.
 */
export interface ProbeRecord {
  tag: string;
  fields: string[];
}

export function readRecords(text: string): ProbeRecord[] {
  const out: ProbeRecord[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const [tag = '', ...fields] = line.split('\t');
    out.push({ tag, fields });
  }
  return out;
}

/** The fields from `index` on, joined back: for a last field that may itself hold tabs. */
export function restOf(fields: readonly string[], index: number): string {
  return fields.slice(index).join('\t');
}

/** A non-negative decimal integer, or null for anything else (no partial parses like "12abc"). */
export function toInt(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^\d{1,15}$/.test(t)) return null;
  return Number(t);
}

/** A finite decimal number ("0.42", "123"), or null. */
export function toNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^-?\d{1,15}(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Trimmed text, or null when empty. */
export function nonEmpty(text: string | undefined): string | null {
  const t = text?.trim();
  return t ? t : null;
}
