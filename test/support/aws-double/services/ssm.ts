import * as sdk from '@aws-sdk/client-ssm';
import { AwsFault, required } from '../errors.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate } from '../util.js';
import type { CallContext, World } from '../world.js';

interface ParameterRecord {
  parameter: sdk.Parameter;
  tags: sdk.Tag[];
}

export class SsmState {
  parameters = new Map<string, ParameterRecord>();
}

const ssmState = (world: World, account: string, region: string) => world.scoped('ssm', account, region, () => new SsmState());

const invalid = (message: string) => new AwsFault('ValidationException', message, 400);

function checkName(name: string): void {
  if (!/^[a-zA-Z0-9_.\-/]{1,2048}$/.test(name)) throw invalid(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive) and must only contain letters, numbers and . - _ /: ${name}`);
  const first = name.replace(/^\//, '').split('/')[0]!.toLowerCase();
  if (first.startsWith('aws') || first.startsWith('ssm')) throw invalid(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive): ${name}`);
  if (name.includes('/') && !name.startsWith('/')) throw invalid('Parameter name must be a fully qualified name (start with /) when it contains a path.');
}

/** What a SecureString looks like without WithDecryption: ciphertext, never the value. */
const ciphertext = (value: string) => Buffer.from(`kms:${Buffer.from(value).toString('base64').split('').reverse().join('')}`).toString('base64');

function shown(p: sdk.Parameter, decrypt: boolean | undefined): sdk.Parameter {
  return p.Type === 'SecureString' && !decrypt ? { ...p, Value: ciphertext(p.Value ?? '') } : p;
}

export const ssm: ServiceDef = {
  id: 'ssm',
  signingName: 'ssm',
  protocol: 'json1.1',
  targetPrefix: 'AmazonSSM',
  sdk,
  handlers: {
    PutParameter: (ctx: CallContext, input: sdk.PutParameterRequest): Out<sdk.PutParameterResult> => {
      const state = ssmState(ctx.world, ctx.account, ctx.region);
      const name = required(input.Name, 'Name');
      const value = required(input.Value, 'Value');
      checkName(name);
      if (input.Overwrite && input.Tags?.length) {
        throw invalid("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.");
      }
      const tier = input.Tier ?? 'Standard';
      if (tier === 'Standard' && value.length > 4096) throw invalid('Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.');
      const existing = state.parameters.get(name);
      if (existing && !input.Overwrite) throw new AwsFault('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.', 400);
      const version = (existing?.parameter.Version ?? 0) + 1;
      state.parameters.set(name, {
        tags: existing?.tags ?? input.Tags ?? [],
        parameter: {
          Name: name,
          Type: input.Type ?? existing?.parameter.Type ?? 'String',
          Value: value,
          Version: version,
          LastModifiedDate: new Date(ctx.now),
          ARN: `arn:aws:ssm:${ctx.region}:${ctx.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
          DataType: input.DataType ?? 'text',
        },
      });
      return { Version: version, Tier: tier };
    },

    GetParameter: (ctx: CallContext, input: sdk.GetParameterRequest): Out<sdk.GetParameterResult> => {
      const found = ssmState(ctx.world, ctx.account, ctx.region).parameters.get(required(input.Name, 'Name'));
      if (!found) throw new AwsFault('ParameterNotFound', `Parameter ${input.Name} not found.`, 400);
      return { Parameter: shown(found.parameter, input.WithDecryption) };
    },

    GetParametersByPath: (ctx: CallContext, input: sdk.GetParametersByPathRequest): Out<sdk.GetParametersByPathResult> => {
      const path = required(input.Path, 'Path');
      if (!path.startsWith('/')) throw invalid('The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
      if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > 10)) throw invalid('1 validation error detected: Value at \'maxResults\' failed to satisfy constraint: Member must have value less than or equal to 10');
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const all = [...ssmState(ctx.world, ctx.account, ctx.region).parameters.values()]
        .filter(({ parameter: p }) => p.Name!.startsWith(prefix) && (input.Recursive || !p.Name!.slice(prefix.length).includes('/')))
        .map((r) => shown(r.parameter, input.WithDecryption));
      const { page, next } = paginate(all, input.NextToken, input.MaxResults, 10);
      return { Parameters: page, ...(next ? { NextToken: next } : {}) };
    },

    GetParameters: (ctx: CallContext, input: sdk.GetParametersRequest): Out<sdk.GetParametersResult> => {
      const names = required(input.Names, 'Names');
      if (names.length > 10) throw invalid("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10");
      const state = ssmState(ctx.world, ctx.account, ctx.region);
      const found = names.filter((n) => state.parameters.has(n));
      return { Parameters: found.map((n) => shown(state.parameters.get(n)!.parameter, input.WithDecryption)), InvalidParameters: names.filter((n) => !state.parameters.has(n)) };
    },

    DeleteParameters: (ctx: CallContext, input: sdk.DeleteParametersRequest): Out<sdk.DeleteParametersResult> => {
      const state = ssmState(ctx.world, ctx.account, ctx.region);
      const names = required(input.Names, 'Names');
      const deleted = names.filter((n) => state.parameters.delete(n));
      return { DeletedParameters: deleted, InvalidParameters: names.filter((n) => !deleted.includes(n)) };
    },

    DeleteParameter: (ctx: CallContext, input: sdk.DeleteParameterRequest) => {
      if (!ssmState(ctx.world, ctx.account, ctx.region).parameters.delete(required(input.Name, 'Name'))) {
        throw new AwsFault('ParameterNotFound', `Parameter ${input.Name} not found.`, 400);
      }
    },
  },
};
