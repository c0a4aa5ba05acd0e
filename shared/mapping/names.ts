/**
 * Deterministic AWS resource names derived from the migration name: the same inputs always
 * produce the same names, so a re-run finds what an earlier run created.
 */

/** Lowercase letters, digits and single hyphens; no leading/trailing hyphen. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** FNV-1a, base 36: a short stable suffix when a name must be shortened. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, '0').slice(0, 5);
}

/**
 * Joins parts into a slug of at most `max` characters; a longer one is cut and given a hash
 * of the full name so two long names never collide. Starts with a letter (RDS, ElastiCache).
 */
export function resourceName(parts: string[], max: number): string {
  let full = slug(parts.filter((p) => p.length > 0).join('-'));
  if (!/^[a-z]/.test(full)) full = `s-${full}`;
  if (full.length <= max) return full;
  const hash = shortHash(full);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** Makes each id unique within `taken` by appending -2, -3… */
export function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export const TAG_KEY = 'skylift:migration';

export function tags(migration: string): { Key: string; Value: string }[] {
  return [{ Key: TAG_KEY, Value: migration }];
}
