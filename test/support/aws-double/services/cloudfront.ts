import * as sdk from '@aws-sdk/client-cloudfront';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import type { CallContext, World } from '../world.js';

interface StoredDistribution {
  id: string;
  arn: string;
  domainName: string;
  config: sdk.DistributionConfig;
  status: 'InProgress' | 'Deployed';
  etag: string;
  modified: Date;
  tags: sdk.Tag[];
}

interface StoredOac {
  id: string;
  config: sdk.OriginAccessControlConfig;
  etag: string;
}

export class CloudFrontState {
  distributions = new Map<string, StoredDistribution>();
  originAccessControls = new Map<string, StoredOac>();
}

/** CloudFront is global: one state per account. */
export const cloudfrontState = (world: World, account: string) => world.scoped('cloudfront', account, null, () => new CloudFrontState());

const newId = () => `E${ids.upper(13)}`;

function distribution(ctx: CallContext, id: string | undefined): StoredDistribution {
  const found = cloudfrontState(ctx.world, ctx.account).distributions.get(required(id, 'Id'));
  if (!found) throw new AwsFault('NoSuchDistribution', 'The specified distribution does not exist.', 404);
  return found;
}

function oac(ctx: CallContext, id: string | undefined): StoredOac {
  const found = cloudfrontState(ctx.world, ctx.account).originAccessControls.get(required(id, 'Id'));
  if (!found) throw new AwsFault('NoSuchOriginAccessControl', 'The specified origin access control does not exist.', 404);
  return found;
}

/** Every change names the version it replaces: none given, or a stale one, is refused. */
function checkIfMatch(ifMatch: string | undefined, etag: string): void {
  if (!ifMatch) throw new AwsFault('InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.', 400);
  if (ifMatch !== etag) throw new AwsFault('PreconditionFailed', 'The precondition given in one or more of the request-header fields evaluated to false.', 412);
}

function checkOrigins(ctx: CallContext, config: sdk.DistributionConfig): void {
  for (const origin of config.Origins?.Items ?? []) {
    if (origin.OriginAccessControlId && !cloudfrontState(ctx.world, ctx.account).originAccessControls.has(origin.OriginAccessControlId)) {
      throw new AwsFault('NoSuchOriginAccessControl', 'The specified origin access control does not exist.', 404);
    }
  }
}

/** A change propagates to the edge locations (minutes); the distribution is Deployed after. */
function deploy(ctx: CallContext, d: StoredDistribution): void {
  d.status = 'InProgress';
  d.etag = newId();
  d.modified = new Date(ctx.now);
  const etag = d.etag;
  ctx.world.scheduler.at(ctx.now + ctx.world.delay('cloudfront', 5 * 60_000), () => {
    if (d.etag === etag) d.status = 'Deployed';
  });
}

function describe(d: StoredDistribution): sdk.Distribution {
  return { Id: d.id, ARN: d.arn, Status: d.status, LastModifiedTime: d.modified, InProgressInvalidationBatches: 0, DomainName: d.domainName, DistributionConfig: d.config };
}

export const cloudfront: ServiceDef = {
  id: 'cloudfront',
  signingName: 'cloudfront',
  protocol: 'rest-xml',
  xmlNamespace: 'http://cloudfront.amazonaws.com/doc/2020-05-31/',
  sdk,
  // IAM has no action of that name: AWS checks CreateDistribution for it.
  iamAction: (operation) => `cloudfront:${operation === 'CreateDistributionWithTags' ? 'CreateDistribution' : operation}`,
  handlers: {
    CreateOriginAccessControl: (ctx: CallContext, input: sdk.CreateOriginAccessControlRequest): Out<sdk.CreateOriginAccessControlResult> => {
      const config = required(input.OriginAccessControlConfig, 'OriginAccessControlConfig');
      const state = cloudfrontState(ctx.world, ctx.account);
      if ([...state.originAccessControls.values()].some((o) => o.config.Name === config.Name)) {
        throw new AwsFault('OriginAccessControlAlreadyExists', 'An origin access control with the same name already exists.', 409);
      }
      const stored: StoredOac = { id: newId(), config, etag: newId() };
      state.originAccessControls.set(stored.id, stored);
      return { OriginAccessControl: { Id: stored.id, OriginAccessControlConfig: config }, ETag: stored.etag, Location: `https://cloudfront.amazonaws.com/2020-05-31/origin-access-control/${stored.id}` };
    },

    GetOriginAccessControl: (ctx: CallContext, input: sdk.GetOriginAccessControlRequest): Out<sdk.GetOriginAccessControlResult> => {
      const found = oac(ctx, input.Id);
      return { OriginAccessControl: { Id: found.id, OriginAccessControlConfig: found.config }, ETag: found.etag };
    },

    DeleteOriginAccessControl: (ctx: CallContext, input: sdk.DeleteOriginAccessControlRequest) => {
      const found = oac(ctx, input.Id);
      checkIfMatch(input.IfMatch, found.etag);
      const state = cloudfrontState(ctx.world, ctx.account);
      if ([...state.distributions.values()].some((d) => d.config.Origins?.Items?.some((o) => o.OriginAccessControlId === found.id))) {
        throw new AwsFault('OriginAccessControlInUse', 'Cannot delete this origin access control because it\'s in use by one or more origins.', 409);
      }
      state.originAccessControls.delete(found.id);
    },

    CreateDistributionWithTags: (ctx: CallContext, input: sdk.CreateDistributionWithTagsRequest): Out<sdk.CreateDistributionWithTagsResult> => {
      const withTags = required(input.DistributionConfigWithTags, 'DistributionConfigWithTags');
      const config = required(withTags.DistributionConfig, 'DistributionConfig');
      required(config.CallerReference, 'CallerReference');
      const state = cloudfrontState(ctx.world, ctx.account);
      const same = [...state.distributions.values()].find((d) => d.config.CallerReference === config.CallerReference);
      if (same) throw new AwsFault('DistributionAlreadyExists', `The caller reference that you are using to create a distribution is associated with another distribution. Already exists: ${same.id}`, 409);
      checkOrigins(ctx, config);
      const id = newId();
      const d: StoredDistribution = { id, arn: `arn:aws:cloudfront::${ctx.account}:distribution/${id}`, domainName: `d${ids.lower(13)}.cloudfront.net`, config, status: 'InProgress', etag: '', modified: new Date(ctx.now), tags: withTags.Tags?.Items ?? [] };
      deploy(ctx, d);
      state.distributions.set(id, d);
      return { Distribution: describe(d), ETag: d.etag, Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${id}` };
    },

    GetDistribution: (ctx: CallContext, input: sdk.GetDistributionRequest): Out<sdk.GetDistributionResult> => {
      const d = distribution(ctx, input.Id);
      return { Distribution: describe(d), ETag: d.etag };
    },

    UpdateDistribution: (ctx: CallContext, input: sdk.UpdateDistributionRequest): Out<sdk.UpdateDistributionResult> => {
      const d = distribution(ctx, input.Id);
      const config = required(input.DistributionConfig, 'DistributionConfig');
      checkIfMatch(input.IfMatch, d.etag);
      if (config.CallerReference !== d.config.CallerReference) throw new AwsFault('IllegalUpdate', 'The update contains modifications that are not allowed: CallerReference cannot change.', 400);
      checkOrigins(ctx, config);
      d.config = config;
      deploy(ctx, d);
      return { Distribution: describe(d), ETag: d.etag };
    },

    DeleteDistribution: (ctx: CallContext, input: sdk.DeleteDistributionRequest) => {
      const d = distribution(ctx, input.Id);
      checkIfMatch(input.IfMatch, d.etag);
      // Disabling is itself a change that must reach every edge location first.
      if (d.config.Enabled || d.status !== 'Deployed') {
        throw new AwsFault('DistributionNotDisabled', 'The distribution you are trying to delete has not been disabled.', 409);
      }
      cloudfrontState(ctx.world, ctx.account).distributions.delete(d.id);
    },
  },
};
