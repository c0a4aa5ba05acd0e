import zonefile from 'dns-zonefile';
import { DataError } from '../../../shared/data/data-error.js';

/** A Route 53 record set as ChangeResourceRecordSets takes it. */
export interface ZoneRecordSet {
  Name: string;
  Type: string;
  TTL: number;
  ResourceRecords: { Value: string }[];
}

type Parsed = ReturnType<typeof zonefile.parse>;

/**
 * A BIND zone file (what DigitalOcean, Linode and Cloudflare export) as Route 53 record sets:
 * names made absolute, values in Route 53's text form, one set per name and type (its lowest
 * TTL). The apex SOA and NS are Route 53's own and are left out; `lower` names get its TTL.
 */
export function zoneRecordSets(text: string, zone: string, lower: { names: string[]; ttl: number } | null): ZoneRecordSet[] {
  let parsed: Parsed;
  try {
    parsed = zonefile.parse(text);
  } catch (err) {
    throw new DataError('SOURCE_UNAVAILABLE', `the zone file of ${zone} cannot be read: ${(err as Error).message}`, 'export it again from the DNS provider as a BIND zone file', { cause: err });
  }
  const origin = (parsed.$origin ?? `${zone}.`).toLowerCase();
  const abs = (name: string): string => (name === '@' || name === '' ? origin : name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.${origin}`);
  const defaultTtl = Number(parsed.$ttl ?? 3600);
  const lowered = new Set((lower?.names ?? []).map((n) => abs(n.endsWith('.') ? n : `${n}.`)));
  const sets = new Map<string, ZoneRecordSet>();
  const add = (type: string, r: { name: string; ttl?: number }, value: string) => {
    const name = abs(r.name);
    if (name === origin && (type === 'NS' || type === 'SOA')) return;
    const ttl = lowered.has(name) && lower ? lower.ttl : (r.ttl ?? defaultTtl);
    const key = `${name} ${type}`;
    const set = sets.get(key) ?? { Name: name, Type: type, TTL: ttl, ResourceRecords: [] };
    set.TTL = Math.min(set.TTL, ttl);
    if (!set.ResourceRecords.some((v) => v.Value === value)) set.ResourceRecords.push({ Value: value });
    sets.set(key, set);
  };
  for (const r of parsed.a ?? []) add('A', r, r.ip);
  for (const r of parsed.aaaa ?? []) add('AAAA', r, r.ip);
  for (const r of parsed.cname ?? []) add('CNAME', r, abs(r.alias));
  for (const r of parsed.mx ?? []) add('MX', r, `${r.preference} ${abs(r.host)}`);
  for (const r of parsed.txt ?? []) add('TXT', r, r.txt.startsWith('"') ? r.txt : `"${r.txt}"`);
  for (const r of parsed.spf ?? []) add('TXT', r, r.data.startsWith('"') ? r.data : `"${r.data}"`);
  for (const r of parsed.srv ?? []) add('SRV', r, `${r.priority} ${r.weight} ${r.port} ${abs(r.target)}`);
  for (const r of parsed.caa ?? []) add('CAA', r, `${r.flags} ${r.tag} ${r.value}`);
  for (const r of parsed.ns ?? []) add('NS', r, abs(r.host));
  for (const r of parsed.ptr ?? []) add('PTR', r, abs(r.host));
  for (const r of parsed.ds ?? []) add('DS', r, `${r.key_tag} ${r.algorithm} ${r.digest_type} ${r.digest}`);
  const result = [...sets.values()];
  // The parser skips what it does not understand without a word: a record it half read shows here.
  const bad = result.find((s) => s.ResourceRecords.some((r) => !r.Value || r.Value.includes('undefined') || (s.Type === 'A' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(r.Value)) || (s.Type === 'AAAA' && !r.Value.includes(':'))));
  if (bad) throw new DataError('SOURCE_UNAVAILABLE', `the zone file of ${zone} has a ${bad.Type} record for ${bad.Name} that cannot be read`, 'fix that line of the export (or export it again) and run apply again');
  if (result.length === 0) throw new DataError('SOURCE_UNAVAILABLE', `the zone file of ${zone} holds no records besides the zone's own SOA and NS`, 'export the zone again with every record');
  return result;
}
