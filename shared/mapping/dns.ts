/**
 * Names, DNS and TLS. The names the box served become the environment's domains and one ACM
 * certificate (DNS-validated). Where the zone lives is an answer: Route 53 gets record changes
 * (apex alias with EB's regional zone id, subdomain CNAME); elsewhere the plan imports the zone
 * into Route 53 (every record kept, then NS delegation at the registrar) or changes one record
 * by hand. TTLs are lowered an old-TTL ahead of the switch.
 */

import type { Dns, DnsProvider, DnsRecord, EbEnvironment } from '../schema/design.js';
import type { Inventory } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import type { AppGroup } from './sources.js';
import { EB_HOSTED_ZONES, EB_HOSTED_ZONES_SOURCE } from './tables/eb-hosted-zones.js';
import { isPublicName, webEvidence } from './web-evidence.js';

const TWO_LEVEL_SUFFIXES = new Set(['co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'co.jp', 'com.br', 'co.za', 'com.mx', 'co.in', 'com.tr']);

/** The registrable zone of a name (example.co.uk for www.example.co.uk). */
export function zoneOf(name: string): string {
  const labels = name.replace(/^\*\./, '').split('.');
  const keep = TWO_LEVEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** Asks for the domains (defaulting to those the box served) and assigns each to an app. */
export function chooseDomains(ctx: MappingContext, groups: AppGroup[]): Map<string, string[]> {
  const found = new Map(groups.map((g) => [g.id, webEvidence(g).domains.filter((d) => !d.startsWith('*.'))]));
  const all = [...new Set([...found.values()].flat())].sort();
  const answered = ctx.ask({
    key: 'dns.domains',
    prompt: 'Domain names the new environment(s) should serve',
    kind: 'list',
    default: all,
    defaultReason: all.length > 0 ? 'The names the box\'s web server answered for.' : 'No public name was found in the web server configuration.',
  });
  const byGroup = new Map(groups.map((g) => [g.id, [] as string[]]));
  for (const name of answered.map((d) => d.toLowerCase()).filter(isPublicName)) {
    const owner = groups.find((g) => found.get(g.id)?.includes(name)) ?? groups[0];
    if (owner) byGroup.get(owner.id)?.push(name);
  }
  if (groups.length > 0 && answered.length === 0) {
    ctx.open({ key: 'dns.domains', text: 'No domain name was found or given.', assumption: 'The environments are reachable only at their elasticbeanstalk.com names, over HTTP: no certificate, no DNS switch.' });
  }
  return byGroup;
}

function providerQuestion(ctx: MappingContext, inventories: Inventory[]): DnsProvider {
  const hosts = [...new Set(inventories.map((i) => i.host.provider.name))];
  return ctx.ask({
    key: 'dns.provider',
    prompt: 'Where is the domain\'s DNS hosted today?',
    kind: 'choice',
    choices: [
      { value: 'route53', label: 'Route 53', consequence: 'The plan changes the records itself.' },
      { value: 'digitalocean', label: 'DigitalOcean DNS', consequence: 'Import the zone into Route 53 (then delegate), or change one record by hand.' },
      { value: 'linode', label: 'Linode (Akamai) DNS', consequence: 'Import the zone into Route 53 (then delegate), or change one record by hand.' },
      { value: 'registrar', label: 'The registrar\'s DNS', consequence: 'Import the zone into Route 53 (then delegate), or change one record by hand.' },
      { value: 'other', label: 'Another DNS host', consequence: 'Import the zone into Route 53 (then delegate), or change one record by hand.' },
      { value: 'unknown', label: 'Not sure', consequence: 'Treated as a host Skylift cannot change: manual steps with a verification.' },
    ],
    default: 'unknown',
    defaultReason: `Not visible from the box${hosts.length > 0 ? ` (hosted on ${hosts.join(', ')}, but the zone may live elsewhere)` : ''}.`,
  }) as DnsProvider;
}

export function mapDns(ctx: MappingContext, inventories: Inventory[], envs: EbEnvironment[], region: string): Dns {
  const records: DnsRecord[] = envs.flatMap((env) => env.domains.map((name) => ({ name, apex: zoneOf(name) === name, environment: env.id, type: zoneOf(name) === name ? ('alias' as const) : ('cname' as const) })));
  const boxNames = inventories.flatMap((i) => i.tls.certificates.flatMap((c) => c.names)).map((n) => n.toLowerCase());
  const zones = [...new Set(records.map((r) => zoneOf(r.name)))].sort();
  const certificateNames = [...new Set([...records.map((r) => r.name), ...boxNames.filter((n) => isPublicName(n) && zones.includes(zoneOf(n)))])].sort();
  for (const inv of inventories) {
    for (const c of inv.tls.certificates) {
      const covered = c.names.some((n) => certificateNames.includes(n.toLowerCase()));
      ctx.cover({ ref: `cert:${c.path}`, source: inv.target.label, kind: 'certificate', status: covered ? 'mapped' : 'not-mapped', detail: covered ? 'Replaced by the ACM certificate.' : 'Its names are not among the domains moved.' });
    }
  }
  const ebHostedZoneId = EB_HOSTED_ZONES[region] ?? null;
  const base = { zones, records, certificateNames, ebHostedZoneId, hostedZoneId: null, currentTtlSeconds: 3600, loweredTtlSeconds: 60 };
  if (records.length === 0) return { ...base, provider: 'unknown', mode: 'none' };

  const provider = providerQuestion(ctx, inventories);
  let mode: Dns['mode'] = 'route53-records';
  let hostedZoneId: string | null = null;
  const apex = records.filter((r) => r.apex).map((r) => r.name);
  if (provider === 'route53') {
    hostedZoneId = ctx.ask<string | null>({ key: 'dns.hostedZoneId', prompt: 'Route 53 hosted zone id (blank to look it up by name)', kind: 'text', default: null, defaultReason: 'The runner finds the zone with ListHostedZonesByName and refuses if there are several.' });
  } else {
    mode = ctx.ask({
      key: 'dns.mode',
      prompt: 'How should DNS move?',
      kind: 'choice',
      choices: [
        { value: 'import-zone', label: 'Import the zone into Route 53', consequence: 'Every record (MX and TXT included) is recreated in Route 53, then the registrar\'s NS records are changed by hand; later switches are API calls.' },
        { value: 'manual-record', label: 'Change the record by hand', consequence: 'The zone stays where it is; at the switch you edit the record at your DNS host and the plan verifies it.' },
      ],
      default: apex.length > 0 ? 'import-zone' : 'manual-record',
      defaultReason: apex.length > 0 ? `${apex.join(', ')} is a zone apex: it needs an alias to follow the load balancer's changing addresses, which Route 53 offers.` : 'Subdomains can CNAME to the environment wherever the zone lives: the smallest change.',
    }) as Dns['mode'];
    if (mode === 'manual-record' && apex.length > 0) {
      ctx.block({
        id: 'dns.apex-manual',
        area: 'dns',
        title: `${apex.join(', ')} cannot be a CNAME`,
        detail: 'A zone apex cannot hold a CNAME, and the load balancer\'s IP addresses change, so an A record would break.',
        facts: apex.map((n) => `dns.domains: ${n}`),
        resolutions: [
          { value: 'provider-alias', label: 'My DNS host has ALIAS/ANAME/flattening', consequence: 'Point an ALIAS/ANAME record at the environment\'s CNAME by hand.' },
          { value: 'redirect-apex', label: 'Redirect the apex to www', consequence: 'Keep the apex at the old host as a redirect to the www name (a small box or the registrar\'s forwarding).' },
        ],
        answerKey: 'dns.apexResolution',
      });
    }
  }
  const currentTtlSeconds = ctx.ask({ key: 'dns.currentTtlSeconds', prompt: 'Current TTL of the records to switch (seconds)', kind: 'number', default: 3600, defaultReason: 'A common default; the runner reads the real TTL before lowering it.' });
  const loweredTtlSeconds = ctx.ask({ key: 'dns.loweredTtlSeconds', prompt: 'TTL to lower the records to before the switch (seconds)', kind: 'number', default: 60, defaultReason: 'Short enough that a rollback of DNS takes effect within a minute.' });

  ctx.decide({
    id: 'dns.mode',
    area: 'dns',
    title: 'DNS switch',
    value: mode === 'route53-records' ? 'Route 53 record changes' : mode === 'import-zone' ? 'import the zone into Route 53, delegate, then switch by API' : 'manual record change at the current DNS host',
    reason: [
      `Records: ${records.map((r) => `${r.name} → ${r.apex ? 'alias' : 'CNAME'} to ${r.environment}`).join('; ')}.`,
      ebHostedZoneId ? `Apex aliases use Elastic Beanstalk's zone id for ${region}, ${ebHostedZoneId} (${EB_HOSTED_ZONES_SOURCE}).` : 'The region is not in the bundled EB zone table: apex aliases target the load balancer, whose CanonicalHostedZoneId is read at apply time.',
      `TTLs drop from ${currentTtlSeconds} s to ${loweredTtlSeconds} s at least ${currentTtlSeconds} s before the switch. After the switch, writes land on AWS: going back means copying data back.`,
    ].join(' '),
    facts: records.map((r) => `dns.domains: ${r.name}`),
    alternatives: [{ value: 'weighted records', why: 'A gradual shift (weights 0–255) needs both sides writing to one database: not possible while the data lives on the box.' }],
    answerKey: provider === 'route53' ? 'dns.provider' : 'dns.mode',
  });
  ctx.decide({
    id: 'dns.certificate',
    area: 'dns',
    title: 'TLS certificate',
    value: certificateNames,
    reason: 'An ACM certificate for every name the box served (Let\'s Encrypt certificates stay behind), validated through DNS records; ACM renews it automatically.',
    facts: inventories.flatMap((i) => i.tls.certificates.map((c) => `${i.target.label}: ${c.path} = ${c.names.join(', ')}`)),
  });
  return { ...base, provider, mode, hostedZoneId, currentTtlSeconds, loweredTtlSeconds };
}
