import { describe, expect, it } from 'vitest';
import { zoneRecordSets } from '../../../electron/engine/data/zone-file.js';
import { DataError } from '../../../shared/data/data-error.js';

/** A zone as DigitalOcean's "export zone file" writes it. */
const EXPORT = `$ORIGIN example.com.
$TTL 1800
example.com. IN SOA ns1.digitalocean.com. hostmaster.example.com. 1700000000 10800 3600 604800 1800
example.com. 1800 IN NS ns1.digitalocean.com.
example.com. 1800 IN NS ns2.digitalocean.com.
example.com. 3600 IN A 203.0.113.10
www 300 IN CNAME example.com.
api 3600 IN A 203.0.113.11
api 600 IN A 203.0.113.12
example.com. 14400 IN MX 10 mx1.mail.example.net.
example.com. 14400 IN MX 20 mx2.mail.example.net.
example.com. 3600 IN TXT "v=spf1 include:_spf.google.com ~all"
_sip._tcp 3600 IN SRV 10 60 5060 sip.example.com.
example.com. 3600 IN CAA 0 issue "letsencrypt.org"
dev 3600 IN NS ns1.other.example.
`;

describe('a BIND zone export as Route 53 record sets', () => {
  it('makes names absolute, groups values per name and type at their lowest TTL, leaves the apex SOA and NS to Route 53', () => {
    const sets = zoneRecordSets(EXPORT, 'example.com', null);
    const by = (name: string, type: string) => sets.find((s) => s.Name === name && s.Type === type);
    expect(sets.some((s) => s.Name === 'example.com.' && (s.Type === 'SOA' || s.Type === 'NS'))).toBe(false);
    expect(by('example.com.', 'A')).toEqual({ Name: 'example.com.', Type: 'A', TTL: 3600, ResourceRecords: [{ Value: '203.0.113.10' }] });
    expect(by('api.example.com.', 'A')).toEqual({ Name: 'api.example.com.', Type: 'A', TTL: 600, ResourceRecords: [{ Value: '203.0.113.11' }, { Value: '203.0.113.12' }] });
    expect(by('www.example.com.', 'CNAME')?.ResourceRecords).toEqual([{ Value: 'example.com.' }]);
    expect(by('example.com.', 'MX')?.ResourceRecords).toEqual([{ Value: '10 mx1.mail.example.net.' }, { Value: '20 mx2.mail.example.net.' }]);
    expect(by('example.com.', 'TXT')?.ResourceRecords).toEqual([{ Value: '"v=spf1 include:_spf.google.com ~all"' }]);
    expect(by('_sip._tcp.example.com.', 'SRV')?.ResourceRecords).toEqual([{ Value: '10 60 5060 sip.example.com.' }]);
    expect(by('example.com.', 'CAA')?.ResourceRecords).toEqual([{ Value: '0 issue "letsencrypt.org"' }]);
    // A delegated subdomain keeps its NS records.
    expect(by('dev.example.com.', 'NS')?.ResourceRecords).toEqual([{ Value: 'ns1.other.example.' }]);
  });

  it('gives the names the switch moves their lowered TTL ahead of it', () => {
    const sets = zoneRecordSets(EXPORT, 'example.com', { names: ['example.com', 'www.example.com'], ttl: 60 });
    expect(sets.filter((s) => s.TTL === 60).map((s) => `${s.Name} ${s.Type}`).sort()).toEqual(['example.com. A', 'example.com. CAA', 'example.com. MX', 'example.com. TXT', 'www.example.com. CNAME']);
  });

  it('refuses a file that is not a zone file with a typed error', () => {
    expect(() => zoneRecordSets('example.com. IN A\n', 'example.com', null)).toThrow(DataError);
  });
});
