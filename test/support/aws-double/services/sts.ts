import * as sdk from '@aws-sdk/client-sts';
import { AwsFault, required } from '../errors.js';
import type { Out, ServiceDef } from '../service-def.js';
import type { CallContext } from '../world.js';
import { iamState } from './iam.js';

export const sts: ServiceDef = {
  id: 'sts',
  signingName: 'sts',
  protocol: 'query',
  xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  sdk,
  handlers: {
    GetCallerIdentity: (ctx: CallContext): Out<sdk.GetCallerIdentityResponse> => ({
      UserId: ctx.principal.userId,
      Account: ctx.principal.account,
      Arn: ctx.principal.arn,
    }),

    AssumeRole: (ctx: CallContext, input: sdk.AssumeRoleRequest): Out<sdk.AssumeRoleResponse> => {
      const roleArn = required(input.RoleArn, 'RoleArn');
      const session = required(input.RoleSessionName, 'RoleSessionName');
      const [, , , , account = '', resource = ''] = roleArn.split(':');
      const role = iamState(ctx.world, account).roles.get(resource.split('/').pop() ?? '');
      if (!role || role.Arn !== roleArn) {
        throw new AwsFault('AccessDenied', `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
      }
      const creds = ctx.world.identities.assumeRole(roleArn, role.RoleId!, session);
      // Expiration is wall-clock time: the SDK compares it with Date.now() to refresh.
      const expiration = new Date(Date.now() + (input.DurationSeconds ?? 3600) * 1000);
      return {
        Credentials: { AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey, SessionToken: creds.sessionToken!, Expiration: expiration },
        AssumedRoleUser: { Arn: creds.arn, AssumedRoleId: `${role.RoleId}:${session}` },
      };
    },
  },
};
