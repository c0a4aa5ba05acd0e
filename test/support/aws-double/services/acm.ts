import * as sdk from '@aws-sdk/client-acm';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import { testCa, type IssuedCertificate } from '../proxy/test-ca.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate } from '../util.js';
import type { CallContext, World } from '../world.js';
import { lbState } from './load-balancers.js';
import { fqdn, route53State } from './route53.js';

interface CertRecord {
  cert: sdk.CertificateDetail;
  token?: string;
  /** When the validation records become visible (ACM takes a few seconds to produce them). */
  recordsAt: number;
  issuing: boolean;
  tags: sdk.Tag[];
  /** The real certificate and key, signed by the double's CA, from the moment the status is ISSUED. */
  issued?: Promise<IssuedCertificate>;
}

export class AcmState {
  certs = new Map<string, CertRecord>();
}

export const acmState = (world: World, account: string, region: string) => world.scoped('acm', account, region, () => new AcmState());

const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function cert(ctx: CallContext, arn: string | undefined): CertRecord {
  const found = acmState(ctx.world, ctx.account, ctx.region).certs.get(required(arn, 'CertificateArn'));
  if (!found) throw new AwsFault('ResourceNotFoundException', `Could not find certificate ${arn}.`, 400);
  return found;
}

/** Load balancers (in this account and region) whose listeners use the certificate. */
function inUseBy(world: World, account: string, region: string, arn: string): string[] {
  return [...lbState(world, account, region).byName.values()]
    .filter((lb) => lb.classic.listeners.some((l) => l.SSLCertificateId === arn) || lb.application.listeners.some((l) => l.Certificates?.some((c) => c.CertificateArn === arn)))
    .map((lb) => lb.arn);
}

/** ISSUED once every validation CNAME is in one of the account's Route 53 zones (as ACM polls DNS). */
function watchValidation(world: World, account: string, rec: CertRecord): void {
  const stop = world.scheduler.watch((now) => {
    if (rec.cert.Status !== 'PENDING_VALIDATION') return stop();
    if (rec.issuing || now < rec.recordsAt) return;
    const records = [...route53State(world, account).zones.values()].flatMap((z) => z.records);
    const validated = (rec.cert.DomainValidationOptions ?? []).every((o) =>
      records.some((r) => r.Type === 'CNAME' && fqdn(r.Name!) === fqdn(o.ResourceRecord!.Name!) && r.ResourceRecords?.some((v) => fqdn(v.Value!) === fqdn(o.ResourceRecord!.Value!))),
    );
    if (!validated) return;
    rec.issuing = true;
    world.scheduler.at(now + world.delay('acm', 60_000), (at) => {
      const issued = new Date(at);
      Object.assign(rec.cert, { Status: 'ISSUED', IssuedAt: issued, NotBefore: issued, NotAfter: new Date(at + 395 * 86_400_000), RenewalEligibility: 'ELIGIBLE' });
      for (const o of rec.cert.DomainValidationOptions ?? []) o.ValidationStatus = 'SUCCESS';
      rec.issued = testCa(world).issue(rec.cert.SubjectAlternativeNames ?? [rec.cert.DomainName!]);
      // Awaited by the listeners that serve it; a failure shows there as a failed handshake.
      rec.issued.catch(() => undefined);
    });
  });
}

/** What a listener serves for a certificate ARN of its own account and region: nothing unless the certificate exists and is ISSUED. */
export function issuedCertificate(world: World, account: string, region: string, arn: string | undefined): Promise<IssuedCertificate> | undefined {
  const rec = arn ? acmState(world, account, region).certs.get(arn) : undefined;
  return rec?.cert.Status === 'ISSUED' ? rec.issued : undefined;
}

function view(ctx: CallContext, rec: CertRecord): sdk.CertificateDetail {
  const visible = ctx.now >= rec.recordsAt;
  return {
    ...rec.cert,
    InUseBy: inUseBy(ctx.world, ctx.account, ctx.region, rec.cert.CertificateArn!),
    DomainValidationOptions: rec.cert.DomainValidationOptions?.map(({ ResourceRecord, ...o }) => (visible ? { ...o, ResourceRecord } : o)),
  };
}

export const acm: ServiceDef = {
  id: 'acm',
  signingName: 'acm',
  protocol: 'json1.1',
  targetPrefix: 'CertificateManager',
  sdk,
  handlers: {
    RequestCertificate: (ctx: CallContext, input: sdk.RequestCertificateRequest): Out<sdk.RequestCertificateResponse> => {
      const state = acmState(ctx.world, ctx.account, ctx.region);
      const domain = required(input.DomainName, 'DomainName').toLowerCase();
      const names = [...new Set([domain, ...(input.SubjectAlternativeNames ?? []).map((n) => n.toLowerCase())])];
      for (const n of names) if (!DOMAIN.test(n)) throw new AwsFault('InvalidDomainValidationOptionsException', `Domain name ${n} is not valid.`, 400);
      if ((input.ValidationMethod ?? 'EMAIL') !== 'DNS') throw new AwsFault('ValidationException', 'The Skylift AWS double validates certificates by DNS only; ask for ValidationMethod DNS.', 400);
      const same = [...state.certs.values()].find((c) => input.IdempotencyToken && c.token === input.IdempotencyToken);
      if (same) return { CertificateArn: same.cert.CertificateArn };
      const arn = `arn:aws:acm:${ctx.region}:${ctx.account}:certificate/${ids.uuid()}`;
      // One validation record per base name: example.com and *.example.com share it.
      const records = new Map<string, sdk.ResourceRecord>();
      const options = names.map((n) => {
        const base = n.replace(/^\*\./, '');
        if (!records.has(base)) records.set(base, { Name: `_${ids.hex(32)}.${base}.`, Type: 'CNAME', Value: `_${ids.hex(32)}.${ids.lower(10)}.acm-validations.aws.` });
        return { DomainName: n, ValidationDomain: n, ValidationStatus: 'PENDING_VALIDATION' as const, ValidationMethod: 'DNS' as const, ResourceRecord: records.get(base)! };
      });
      const rec: CertRecord = {
        issuing: false,
        tags: input.Tags ?? [],
        recordsAt: ctx.now + ctx.world.delay('acm', 5_000),
        ...(input.IdempotencyToken ? { token: input.IdempotencyToken } : {}),
        cert: {
          CertificateArn: arn,
          DomainName: domain,
          SubjectAlternativeNames: names,
          DomainValidationOptions: options,
          Status: 'PENDING_VALIDATION',
          Type: 'AMAZON_ISSUED',
          KeyAlgorithm: input.KeyAlgorithm ?? 'RSA_2048',
          CreatedAt: new Date(ctx.now),
          InUseBy: [],
          RenewalEligibility: 'INELIGIBLE',
        },
      };
      state.certs.set(arn, rec);
      watchValidation(ctx.world, ctx.account, rec);
      ctx.world.scheduler.at(ctx.now + 72 * 3_600_000, () => {
        if (rec.cert.Status === 'PENDING_VALIDATION' && !rec.issuing) rec.cert.Status = 'VALIDATION_TIMED_OUT';
      });
      return { CertificateArn: arn };
    },

    DescribeCertificate: (ctx: CallContext, input: sdk.DescribeCertificateRequest): Out<sdk.DescribeCertificateResponse> => ({
      Certificate: view(ctx, cert(ctx, input.CertificateArn)),
    }),

    ListCertificates: (ctx: CallContext, input: sdk.ListCertificatesRequest): Out<sdk.ListCertificatesResponse> => {
      const statuses = input.CertificateStatuses ?? [];
      const all = [...acmState(ctx.world, ctx.account, ctx.region).certs.values()]
        .filter((c) => !statuses.length || statuses.includes(c.cert.Status!))
        .map((c) => {
          const used = inUseBy(ctx.world, ctx.account, ctx.region, c.cert.CertificateArn!);
          return {
            CertificateArn: c.cert.CertificateArn,
            DomainName: c.cert.DomainName,
            SubjectAlternativeNameSummaries: c.cert.SubjectAlternativeNames,
            Status: c.cert.Status,
            Type: c.cert.Type,
            KeyAlgorithm: c.cert.KeyAlgorithm,
            InUse: used.length > 0,
            CreatedAt: c.cert.CreatedAt,
            ...(c.cert.IssuedAt ? { IssuedAt: c.cert.IssuedAt } : {}),
          };
        });
      const { page, next } = paginate(all, input.NextToken, input.MaxItems);
      return { CertificateSummaryList: page, ...(next ? { NextToken: next } : {}) };
    },

    ListTagsForCertificate: (ctx: CallContext, input: sdk.ListTagsForCertificateRequest): Out<sdk.ListTagsForCertificateResponse> => ({ Tags: cert(ctx, input.CertificateArn).tags }),

    DeleteCertificate: (ctx: CallContext, input: sdk.DeleteCertificateRequest) => {
      const rec = cert(ctx, input.CertificateArn);
      const used = inUseBy(ctx.world, ctx.account, ctx.region, rec.cert.CertificateArn!);
      if (used.length) throw new AwsFault('ResourceInUseException', `Certificate ${rec.cert.CertificateArn} in account ${ctx.account} is in use by ${used.join(', ')}.`, 400);
      acmState(ctx.world, ctx.account, ctx.region).certs.delete(rec.cert.CertificateArn!);
    },
  },
};
