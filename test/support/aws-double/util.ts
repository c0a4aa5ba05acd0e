import { AwsFault } from './errors.js';

/** Marker/NextToken pagination over a list: the token is the offset, opaque to the caller. */
export function paginate<T>(items: T[], token: string | undefined, max: number | undefined, fallback = 100): { page: T[]; next?: string } {
  let start = 0;
  if (token) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new AwsFault('InvalidNextToken', 'The pagination token is not valid.', 400);
  }
  const size = max && max > 0 ? max : fallback;
  const page = items.slice(start, start + size);
  return start + size < items.length ? { page, next: Buffer.from(String(start + size)).toString('base64url') } : { page };
}

export interface Tag {
  Key?: string;
  Value?: string;
}

/** Merges tags by key, as every AWS tagging API does. */
export function mergeTags(existing: Tag[], added: Tag[] | undefined): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t]));
  for (const t of added ?? []) byKey.set(t.Key, { Key: t.Key, Value: t.Value ?? '' });
  return [...byKey.values()];
}

/** EC2/RDS-style `Filters` ({Name, Values}) over a record of attribute getters; `tag:KEY`
 * filters read the item's tags when `tagsOf` is given. */
export function matchesFilters<T>(
  item: T,
  filters: { Name?: string; Values?: string[] }[] | undefined,
  attributes: Record<string, (item: T) => string | string[] | undefined>,
  tagsOf?: (item: T) => Tag[],
): boolean {
  return (filters ?? []).every(({ Name = '', Values = [] }) => {
    const get = Name.startsWith('tag:') && tagsOf ? (i: T) => tagsOf(i).find((t) => t.Key === Name.slice(4))?.Value : attributes[Name];
    if (!get) throw new AwsFault('InvalidParameterValue', `The filter '${Name}' is invalid`, 400);
    const actual = get(item);
    const have = Array.isArray(actual) ? actual : actual === undefined ? [] : [actual];
    return Values.some((v) => have.some((h) => globMatch(v, h)));
  });
}

const globMatch = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
