import * as sdk from '@aws-sdk/client-secrets-manager';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate } from '../util.js';
import type { CallContext, World } from '../world.js';

interface SecretRecord {
  arn: string;
  name: string;
  value: string | undefined;
  binary: Uint8Array | undefined;
  versionId: string;
  created: Date;
  tags: sdk.Tag[];
  deletionDate?: Date;
  /** The service that manages it (RDS for a master password), which alone may delete it. */
  owningService?: string;
}

export class SecretsState {
  secrets = new Map<string, SecretRecord>();
}

const secretsState = (world: World, account: string, region: string) => world.scoped('secretsmanager', account, region, () => new SecretsState());

function secret(ctx: CallContext, id: string | undefined): SecretRecord {
  const key = required(id, 'SecretId');
  const found = [...secretsState(ctx.world, ctx.account, ctx.region).secrets.values()].find((s) => s.name === key || s.arn === key);
  if (!found) throw new AwsFault('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400);
  return found;
}

/** The secret RDS creates for ManageMasterUserPassword, readable with GetSecretValue like the real one. */
export function createManagedSecret(ctx: CallContext, name: string, value: string): string {
  const record: SecretRecord = { arn: `arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:${name}-${ids.lower(6)}`, name, value, binary: undefined, versionId: ids.uuid(), created: new Date(ctx.now), tags: [], owningService: 'rds' };
  secretsState(ctx.world, ctx.account, ctx.region).secrets.set(name, record);
  return record.arn;
}

export const secretsManager: ServiceDef = {
  id: 'secretsmanager',
  signingName: 'secretsmanager',
  protocol: 'json1.1',
  targetPrefix: 'secretsmanager',
  sdk,
  handlers: {
    CreateSecret: (ctx: CallContext, input: sdk.CreateSecretRequest): Out<sdk.CreateSecretResponse> => {
      const state = secretsState(ctx.world, ctx.account, ctx.region);
      const name = required(input.Name, 'Name');
      if (!/^[a-zA-Z0-9/_+=.@-]{1,512}$/.test(name)) throw new AwsFault('InvalidParameterException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!', 400);
      if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw new AwsFault('InvalidParameterException', 'You can\'t specify both a binary secret value and a string secret value in the same secret.', 400);
      const existing = state.secrets.get(name);
      if (existing?.deletionDate) throw new AwsFault('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.", 400);
      if (existing) throw new AwsFault('ResourceExistsException', `The operation failed because the secret ${name} already exists.`, 400);
      const record: SecretRecord = {
        arn: `arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:${name}-${ids.lower(6)}`,
        name,
        value: input.SecretString,
        binary: input.SecretBinary,
        versionId: input.ClientRequestToken ?? ids.uuid(),
        created: new Date(ctx.now),
        tags: input.Tags ?? [],
      };
      state.secrets.set(name, record);
      return { ARN: record.arn, Name: name, VersionId: record.versionId };
    },

    GetSecretValue: (ctx: CallContext, input: sdk.GetSecretValueRequest): Out<sdk.GetSecretValueResponse> => {
      const s = secret(ctx, input.SecretId);
      if (s.deletionDate) throw new AwsFault('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.", 400);
      return {
        ARN: s.arn,
        Name: s.name,
        VersionId: s.versionId,
        ...(s.value !== undefined ? { SecretString: s.value } : {}),
        ...(s.binary !== undefined ? { SecretBinary: s.binary } : {}),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: s.created,
      };
    },

    ListSecrets: (ctx: CallContext, input: sdk.ListSecretsRequest): Out<sdk.ListSecretsResponse> => {
      // Each filter matches values beginning with one of its strings; tag-key and tag-value match any tag, not the same one.
      const fields: Record<string, (s: SecretRecord) => string[]> = { name: (s) => [s.name], 'tag-key': (s) => s.tags.map((t) => t.Key ?? ''), 'tag-value': (s) => s.tags.map((t) => t.Value ?? ''), 'owning-service': (s) => (s.owningService ? [s.owningService] : []) };
      const filters = (input.Filters ?? []).map((f) => {
        const field = fields[f.Key ?? ''];
        if (!field) throw new AwsFault('InvalidParameterException', `The Skylift AWS double filters secrets by ${Object.keys(fields).join(', ')} only, not ${f.Key}.`, 400);
        return (s: SecretRecord) => field(s).some((v) => (f.Values ?? []).some((want) => v.startsWith(want)));
      });
      const all = [...secretsState(ctx.world, ctx.account, ctx.region).secrets.values()].filter((s) => (input.IncludePlannedDeletion || !s.deletionDate) && filters.every((match) => match(s)));
      const { page, next } = paginate(all, input.NextToken, input.MaxResults);
      return {
        SecretList: page.map((s) => ({ ARN: s.arn, Name: s.name, CreatedDate: s.created, Tags: s.tags, ...(s.deletionDate ? { DeletedDate: s.deletionDate } : {}), ...(s.owningService ? { OwningService: s.owningService } : {}) })),
        ...(next ? { NextToken: next } : {}),
      };
    },

    DeleteSecret: (ctx: CallContext, input: sdk.DeleteSecretRequest): Out<sdk.DeleteSecretResponse> => {
      const s = secret(ctx, input.SecretId);
      if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
        throw new AwsFault('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.", 400);
      }
      const days = input.RecoveryWindowInDays ?? 30;
      if (days < 7 || days > 30) throw new AwsFault('InvalidParameterException', 'RecoveryWindowInDays must be between 7 and 30.', 400);
      const state = secretsState(ctx.world, ctx.account, ctx.region);
      const deletionDate = new Date(input.ForceDeleteWithoutRecovery ? ctx.now : ctx.now + days * 86_400_000);
      if (input.ForceDeleteWithoutRecovery) state.secrets.delete(s.name);
      else s.deletionDate = deletionDate;
      return { ARN: s.arn, Name: s.name, DeletionDate: deletionDate };
    },
  },
};
