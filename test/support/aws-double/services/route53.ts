import * as sdk from '@aws-sdk/client-route-53';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import type { CallContext, World } from '../world.js';
import { lbState } from './load-balancers.js';

/** Elastic Beanstalk's regional hosted zones (alias targets for environment CNAMEs). */
export const EB_ZONES: Record<string, string> = {
  'us-east-1': 'Z117KPS5GTRQ2G',
  'us-west-2': 'Z38NKT9BP95V3O',
  'eu-west-1': 'Z2NYPWQ7DFZAZH',
  'eu-central-1': 'Z1FRNW7UH4DEZJ',
};

interface Zone {
  zone: sdk.HostedZone;
  records: sdk.ResourceRecordSet[];
  nameServers: string[];
}

export class Route53State {
  zones = new Map<string, Zone>();
  changes = new Map<string, sdk.ChangeInfo>();
}

/** Route 53 is global: one state per account. */
export const route53State = (world: World, account: string) => world.scoped('route53', account, null, () => new Route53State());

export const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`).toLowerCase();
const bareId = (id: string) => id.replace(/^\/?(hostedzone|change)\//, '');

function zone(ctx: CallContext, id: string | undefined): Zone {
  const found = route53State(ctx.world, ctx.account).zones.get(bareId(required(id, 'Id')));
  if (!found) throw new AwsFault('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
  return found;
}

const within = (name: string, zoneName: string) => name === zoneName || name.endsWith(`.${zoneName}`);
const sameSet = (a: sdk.ResourceRecordSet, b: sdk.ResourceRecordSet) =>
  fqdn(a.Name!) === fqdn(b.Name!) && a.Type === b.Type && (a.SetIdentifier ?? '') === (b.SetIdentifier ?? '');
const describeSet = (r: sdk.ResourceRecordSet) => `[name='${fqdn(r.Name!)}', type='${r.Type}'${r.SetIdentifier ? `, set-identifier='${r.SetIdentifier}'` : ''}]`;

function change(ctx: CallContext, comment?: string): sdk.ChangeInfo {
  const info: sdk.ChangeInfo = { Id: `/change/C${ids.upper(20)}`, Status: 'PENDING', SubmittedAt: new Date(ctx.now), ...(comment ? { Comment: comment } : {}) };
  route53State(ctx.world, ctx.account).changes.set(bareId(info.Id!), info);
  // Route 53 reports INSYNC once every authoritative server has the change (about a minute).
  ctx.world.scheduler.at(ctx.now + ctx.world.delay('route53', 60_000), () => void (info.Status = 'INSYNC'));
  return info;
}

/** An alias must name a target inside the zone it claims (EB environment, ELB, or a record here). */
function checkAlias(ctx: CallContext, z: Zone, alias: sdk.AliasTarget, name: string): void {
  const target = fqdn(required(alias.DNSName, 'AliasTarget.DNSName'));
  const claimed = required(alias.HostedZoneId, 'AliasTarget.HostedZoneId');
  const ebZone = Object.entries(EB_ZONES).find(([region]) => target.endsWith(`.${region}.elasticbeanstalk.com.`))?.[1];
  const lbZone = [...ctx.world.all<ReturnType<typeof lbState>>('lb')].flatMap(({ state }) => [...state.byName.values()]).find((lb) => fqdn(lb.dnsName) === target.replace(/^dualstack\./, ''))?.zoneId;
  const ownZone = claimed === bareId(z.zone.Id!) && z.records.some((r) => fqdn(r.Name!) === target);
  if (claimed !== ebZone && claimed !== lbZone && !ownZone) {
    throw new AwsFault('InvalidChangeBatch', `[Tried to create an alias that targets ${target}, type A in zone ${claimed}, but the alias target name does not lie within the target zone]`, 400);
  }
  if (name === target) throw new AwsFault('InvalidChangeBatch', `[An alias cannot point to itself: ${name}]`, 400);
}

function applyChange(ctx: CallContext, z: Zone, c: sdk.Change): void {
  const set = required(c.ResourceRecordSet, 'ResourceRecordSet');
  const name = fqdn(required(set.Name, 'Name'));
  const zoneName = z.zone.Name!;
  if (!within(name, zoneName)) throw new AwsFault('InvalidChangeBatch', `[RRSet with DNS name ${name} is not permitted in zone ${zoneName}]`, 400);
  const normalized: sdk.ResourceRecordSet = { ...set, Name: name };
  const existing = z.records.findIndex((r) => sameSet(r, normalized));
  if (c.Action === 'DELETE') {
    const current = z.records[existing];
    if (!current) throw new AwsFault('InvalidChangeBatch', `[Tried to delete resource record set ${describeSet(normalized)} but it was not found]`, 400);
    if (JSON.stringify(current) !== JSON.stringify(normalized)) {
      throw new AwsFault('InvalidChangeBatch', `[Tried to delete resource record set ${describeSet(normalized)} but the values provided do not match the current values]`, 400);
    }
    z.records.splice(existing, 1);
    return;
  }
  if (c.Action === 'CREATE' && existing >= 0) throw new AwsFault('InvalidChangeBatch', `[Tried to create resource record set ${describeSet(normalized)} but it already exists]`, 400);
  if (set.AliasTarget) {
    if (set.TTL !== undefined || set.ResourceRecords?.length) throw new AwsFault('InvalidInput', 'Invalid request: an alias record has no TTL and no ResourceRecords', 400);
    checkAlias(ctx, z, set.AliasTarget, name);
  } else if (set.TTL === undefined || !set.ResourceRecords?.length) {
    throw new AwsFault('InvalidInput', `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]] for ${name}`, 400);
  }
  if (set.Type === 'CNAME' && name === zoneName) throw new AwsFault('InvalidChangeBatch', `[RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zoneName}]`, 400);
  const clash = z.records.some((r) => fqdn(r.Name!) === name && r.Type !== set.Type && (r.Type === 'CNAME' || set.Type === 'CNAME'));
  if (clash) throw new AwsFault('InvalidChangeBatch', `[RRSet of type ${set.Type} with DNS name ${name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zoneName}]`, 400);
  const weighted = z.records.filter((r) => fqdn(r.Name!) === name && r.Type === set.Type && r.SetIdentifier && !sameSet(r, normalized));
  if (weighted.some((r) => r.TTL !== set.TTL)) throw new AwsFault('InvalidChangeBatch', '[All records in a weighted set must have the same TTL]', 400);
  if (existing >= 0) z.records[existing] = normalized;
  else z.records.push(normalized);
}

export const route53: ServiceDef = {
  id: 'route53',
  signingName: 'route53',
  protocol: 'rest-xml',
  xmlNamespace: 'https://route53.amazonaws.com/doc/2013-04-01/',
  sdk,
  handlers: {
    CreateHostedZone: (ctx: CallContext, input: sdk.CreateHostedZoneRequest): Out<sdk.CreateHostedZoneResponse> => {
      const state = route53State(ctx.world, ctx.account);
      const name = fqdn(required(input.Name, 'Name'));
      const reference = required(input.CallerReference, 'CallerReference');
      if ([...state.zones.values()].some((z) => z.zone.CallerReference === reference)) {
        throw new AwsFault('HostedZoneAlreadyExists', `A hosted zone has already been created with the specified caller reference.`, 409);
      }
      const id = `Z${ids.upper(20)}`;
      const nameServers = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com', 'ns-4.awsdns-04.net'];
      const zoneRecord: Zone = {
        zone: { Id: `/hostedzone/${id}`, Name: name, CallerReference: reference, Config: { PrivateZone: input.HostedZoneConfig?.PrivateZone ?? false, Comment: input.HostedZoneConfig?.Comment }, ResourceRecordSetCount: 2 },
        nameServers,
        records: [
          { Name: name, Type: 'NS', TTL: 172800, ResourceRecords: nameServers.map((ns) => ({ Value: `${ns}.` })) },
          { Name: name, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: `${nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }] },
        ],
      };
      state.zones.set(id, zoneRecord);
      return { HostedZone: zoneRecord.zone, ChangeInfo: change(ctx), DelegationSet: { NameServers: nameServers }, Location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${id}` };
    },

    DeleteHostedZone: (ctx: CallContext, input: sdk.DeleteHostedZoneRequest): Out<sdk.DeleteHostedZoneResponse> => {
      const z = zone(ctx, input.Id);
      const apex = z.zone.Name!;
      if (z.records.some((r) => !(fqdn(r.Name!) === apex && (r.Type === 'NS' || r.Type === 'SOA')))) {
        throw new AwsFault('HostedZoneNotEmpty', 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.', 400);
      }
      route53State(ctx.world, ctx.account).zones.delete(bareId(z.zone.Id!));
      return { ChangeInfo: change(ctx) };
    },

    ListHostedZonesByName: (ctx: CallContext, input: sdk.ListHostedZonesByNameRequest): Out<sdk.ListHostedZonesByNameResponse> => {
      const max = Number(input.MaxItems ?? 100);
      const all = [...route53State(ctx.world, ctx.account).zones.values()]
        .map((z) => ({ ...z.zone, ResourceRecordSetCount: z.records.length }))
        .sort((a, b) => (a.Name! < b.Name! ? -1 : a.Name! > b.Name! ? 1 : 0));
      const start = input.DNSName ? all.findIndex((z) => z.Name! >= fqdn(input.DNSName!)) : 0;
      const from = start < 0 ? all.length : start;
      const page = all.slice(from, from + max);
      const next = all[from + max];
      return {
        HostedZones: page,
        ...(input.DNSName ? { DNSName: fqdn(input.DNSName) } : {}),
        IsTruncated: Boolean(next),
        MaxItems: max,
        ...(next ? { NextDNSName: next.Name, NextHostedZoneId: bareId(next.Id!) } : {}),
      };
    },

    ListResourceRecordSets: (ctx: CallContext, input: sdk.ListResourceRecordSetsRequest): Out<sdk.ListResourceRecordSetsResponse> => {
      const z = zone(ctx, input.HostedZoneId);
      const max = Number(input.MaxItems ?? 300);
      const reversed = (n: string) => fqdn(n).split('.').reverse().join('.');
      const sorted = [...z.records].sort((a, b) => reversed(a.Name!).localeCompare(reversed(b.Name!)) || a.Type!.localeCompare(b.Type!));
      const start = input.StartRecordName
        ? sorted.findIndex((r) => reversed(r.Name!) > reversed(input.StartRecordName!) || (reversed(r.Name!) === reversed(input.StartRecordName!) && (!input.StartRecordType || r.Type! >= input.StartRecordType)))
        : 0;
      const from = start < 0 ? sorted.length : start;
      const page = sorted.slice(from, from + max);
      const next = sorted[from + max];
      return {
        ResourceRecordSets: page,
        IsTruncated: Boolean(next),
        MaxItems: max,
        ...(next ? { NextRecordName: next.Name, NextRecordType: next.Type } : {}),
      };
    },

    ChangeResourceRecordSets: (ctx: CallContext, input: sdk.ChangeResourceRecordSetsRequest): Out<sdk.ChangeResourceRecordSetsResponse> => {
      const z = zone(ctx, input.HostedZoneId);
      const changes = required(input.ChangeBatch?.Changes, 'ChangeBatch');
      // A batch is atomic: apply to a copy, keep it only if every change is valid.
      const draft: Zone = { ...z, records: z.records.map((r) => ({ ...r })) };
      for (const c of changes) applyChange(ctx, draft, c);
      z.records = draft.records;
      return { ChangeInfo: change(ctx, input.ChangeBatch?.Comment) };
    },

    GetChange: (ctx: CallContext, input: sdk.GetChangeRequest): Out<sdk.GetChangeResponse> => {
      const info = route53State(ctx.world, ctx.account).changes.get(bareId(required(input.Id, 'Id')));
      if (!info) throw new AwsFault('NoSuchChange', `Could not find resource with ID: ${input.Id}`, 404);
      return { ChangeInfo: info };
    },
  },
};

/** Every record with this name in any account's zones (the resolver follows them). */
export function recordsNamed(world: World, name: string): sdk.ResourceRecordSet[] {
  const wanted = fqdn(name);
  return [...world.all<Route53State>('route53')].flatMap(({ state }) => [...state.zones.values()].flatMap((z) => z.records.filter((r) => fqdn(r.Name!) === wanted)));
}
