import * as sdk from '@aws-sdk/client-iam';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate } from '../util.js';
import type { CallContext, World } from '../world.js';

interface RoleRecord extends sdk.Role {
  attached: Set<string>;
  /** Inline policies by name. */
  inline: Map<string, string>;
}

export class IamState {
  roles = new Map<string, RoleRecord>();
  profiles = new Map<string, sdk.InstanceProfile>();
  users = new Map<string, sdk.User>();
}

/** IAM is global: one state per account. */
export const iamState = (world: World, account: string) => world.scoped('iam', account, null, () => new IamState());

/** AWS managed policies Skylift attaches (the EB service role and instance profile ones). */
const MANAGED = new Set([
  'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth',
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy',
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier',
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkWorkerTier',
  'arn:aws:iam::aws:policy/AWSElasticBeanstalkMulticontainerDocker',
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
]);

const noSuch = (kind: string, name: string) => new AwsFault('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`, 404);

function role(ctx: CallContext, name: string | undefined): RoleRecord {
  const found = iamState(ctx.world, ctx.account).roles.get(required(name, 'RoleName'));
  if (!found) throw noSuch('role', name!);
  return found;
}

function profile(ctx: CallContext, name: string | undefined): sdk.InstanceProfile {
  const found = iamState(ctx.world, ctx.account).profiles.get(required(name, 'InstanceProfileName'));
  if (!found) throw noSuch('instance profile', name!);
  return found;
}

/** List calls leave tags out, as on AWS: the List…Tags calls read them. */
const untagged = <T extends { Tags?: sdk.Tag[] }>({ Tags: _tags, ...rest }: T): Omit<T, 'Tags'> => rest;

const publicRole = ({ attached: _attached, inline: _inline, ...r }: RoleRecord): sdk.Role => r;

/** Registers a user the way `double.createUser` needs it for policy simulation. */
export function addUser(world: World, account: string, userName: string, arn: string, userId: string): void {
  iamState(world, account).users.set(userName, { UserName: userName, UserId: userId, Arn: arn, Path: '/', CreateDate: new Date(world.clock.now()) });
}

export const iam: ServiceDef = {
  id: 'iam',
  signingName: 'iam',
  protocol: 'query',
  xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sdk,
  handlers: {
    GetRole: (ctx: CallContext, input: sdk.GetRoleRequest): Out<sdk.GetRoleResponse> => ({ Role: publicRole(role(ctx, input.RoleName)) }),

    CreateRole: (ctx: CallContext, input: sdk.CreateRoleRequest): Out<sdk.CreateRoleResponse> => {
      const name = required(input.RoleName, 'RoleName');
      const document = required(input.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument');
      try {
        JSON.parse(document);
      } catch {
        throw new AwsFault('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
      }
      const state = iamState(ctx.world, ctx.account);
      if (state.roles.has(name)) throw new AwsFault('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
      const path = input.Path ?? '/';
      const record: RoleRecord = {
        RoleName: name,
        RoleId: `AROA${ids.upper(17)}`,
        Arn: `arn:aws:iam::${ctx.account}:role${path}${name}`,
        Path: path,
        CreateDate: new Date(ctx.now),
        // IAM hands the trust policy back URL-encoded.
        AssumeRolePolicyDocument: encodeURIComponent(document),
        Description: input.Description,
        MaxSessionDuration: input.MaxSessionDuration ?? 3600,
        Tags: input.Tags ?? [],
        attached: new Set(),
        inline: new Map(),
      };
      state.roles.set(name, record);
      return { Role: publicRole(record) };
    },

    DeleteRole: (ctx: CallContext, input: sdk.DeleteRoleRequest) => {
      const r = role(ctx, input.RoleName);
      const state = iamState(ctx.world, ctx.account);
      const inProfile = [...state.profiles.values()].some((p) => p.Roles?.some((x) => x.RoleName === r.RoleName));
      if (r.attached.size > 0 || r.inline.size > 0 || inProfile) {
        throw new AwsFault('DeleteConflict', 'Cannot delete entity, must detach all policies and remove it from all instance profiles first.', 409);
      }
      state.roles.delete(r.RoleName!);
    },

    AttachRolePolicy: (ctx: CallContext, input: sdk.AttachRolePolicyRequest) => {
      const r = role(ctx, input.RoleName);
      const arn = required(input.PolicyArn, 'PolicyArn');
      if (!MANAGED.has(arn)) throw new AwsFault('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
      r.attached.add(arn);
    },

    DetachRolePolicy: (ctx: CallContext, input: sdk.DetachRolePolicyRequest) => {
      const r = role(ctx, input.RoleName);
      if (!r.attached.delete(required(input.PolicyArn, 'PolicyArn'))) throw new AwsFault('NoSuchEntity', `Policy ${input.PolicyArn} was not found.`, 404);
    },

    PutRolePolicy: (ctx: CallContext, input: sdk.PutRolePolicyRequest) => {
      const r = role(ctx, input.RoleName);
      const document = required(input.PolicyDocument, 'PolicyDocument');
      try {
        JSON.parse(document);
      } catch {
        throw new AwsFault('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
      }
      r.inline.set(required(input.PolicyName, 'PolicyName'), document);
    },

    DeleteRolePolicy: (ctx: CallContext, input: sdk.DeleteRolePolicyRequest) => {
      const r = role(ctx, input.RoleName);
      if (!r.inline.delete(required(input.PolicyName, 'PolicyName'))) throw new AwsFault('NoSuchEntity', `The role policy with name ${input.PolicyName} cannot be found.`, 404);
    },

    ListAttachedRolePolicies: (ctx: CallContext, input: sdk.ListAttachedRolePoliciesRequest): Out<sdk.ListAttachedRolePoliciesResponse> => {
      const all = [...role(ctx, input.RoleName).attached].map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() }));
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { AttachedPolicies: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },

    ListRoles: (ctx: CallContext, input: sdk.ListRolesRequest): Out<sdk.ListRolesResponse> => {
      const all = [...iamState(ctx.world, ctx.account).roles.values()].filter((r) => r.Path!.startsWith(input.PathPrefix ?? '/')).map((r) => untagged(publicRole(r)));
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { Roles: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },

    ListRoleTags: (ctx: CallContext, input: sdk.ListRoleTagsRequest): Out<sdk.ListRoleTagsResponse> => {
      const { page, next } = paginate(role(ctx, input.RoleName).Tags ?? [], input.Marker, input.MaxItems);
      return { Tags: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },

    ListRolePolicies: (ctx: CallContext, input: sdk.ListRolePoliciesRequest): Out<sdk.ListRolePoliciesResponse> => {
      const { page, next } = paginate([...role(ctx, input.RoleName).inline.keys()], input.Marker, input.MaxItems);
      return { PolicyNames: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },

    ListInstanceProfilesForRole: (ctx: CallContext, input: sdk.ListInstanceProfilesForRoleRequest): Out<sdk.ListInstanceProfilesForRoleResponse> => {
      const name = role(ctx, input.RoleName).RoleName;
      const all = [...iamState(ctx.world, ctx.account).profiles.values()].filter((p) => p.Roles?.some((r) => r.RoleName === name)).map(untagged);
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { InstanceProfiles: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },

    ListInstanceProfiles: (ctx: CallContext, input: sdk.ListInstanceProfilesRequest): Out<sdk.ListInstanceProfilesResponse> => {
      const all = [...iamState(ctx.world, ctx.account).profiles.values()].filter((p) => p.Path!.startsWith(input.PathPrefix ?? '/')).map(untagged);
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { InstanceProfiles: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },

    ListInstanceProfileTags: (ctx: CallContext, input: sdk.ListInstanceProfileTagsRequest): Out<sdk.ListInstanceProfileTagsResponse> => {
      const { page, next } = paginate(profile(ctx, input.InstanceProfileName).Tags ?? [], input.Marker, input.MaxItems);
      return { Tags: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },

    GetInstanceProfile: (ctx: CallContext, input: sdk.GetInstanceProfileRequest): Out<sdk.GetInstanceProfileResponse> => ({
      InstanceProfile: profile(ctx, input.InstanceProfileName),
    }),

    CreateInstanceProfile: (ctx: CallContext, input: sdk.CreateInstanceProfileRequest): Out<sdk.CreateInstanceProfileResponse> => {
      const name = required(input.InstanceProfileName, 'InstanceProfileName');
      const state = iamState(ctx.world, ctx.account);
      if (state.profiles.has(name)) throw new AwsFault('EntityAlreadyExists', `Instance Profile ${name} already exists.`, 409);
      const path = input.Path ?? '/';
      const created: sdk.InstanceProfile = {
        InstanceProfileName: name,
        InstanceProfileId: `AIPA${ids.upper(17)}`,
        Arn: `arn:aws:iam::${ctx.account}:instance-profile${path}${name}`,
        Path: path,
        CreateDate: new Date(ctx.now),
        Roles: [],
        Tags: input.Tags ?? [],
      };
      state.profiles.set(name, created);
      return { InstanceProfile: created };
    },

    DeleteInstanceProfile: (ctx: CallContext, input: sdk.DeleteInstanceProfileRequest) => {
      const p = profile(ctx, input.InstanceProfileName);
      if (p.Roles?.length) throw new AwsFault('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.', 409);
      iamState(ctx.world, ctx.account).profiles.delete(p.InstanceProfileName!);
    },

    AddRoleToInstanceProfile: (ctx: CallContext, input: sdk.AddRoleToInstanceProfileRequest) => {
      const p = profile(ctx, input.InstanceProfileName);
      const r = role(ctx, input.RoleName);
      if ((p.Roles ?? []).length >= 1) {
        throw new AwsFault('LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1', 409);
      }
      p.Roles = [publicRole(r)];
    },

    RemoveRoleFromInstanceProfile: (ctx: CallContext, input: sdk.RemoveRoleFromInstanceProfileRequest) => {
      const p = profile(ctx, input.InstanceProfileName);
      if (!p.Roles?.some((r) => r.RoleName === input.RoleName)) throw noSuch('role', input.RoleName ?? '');
      p.Roles = p.Roles.filter((r) => r.RoleName !== input.RoleName);
    },

    SimulatePrincipalPolicy: (ctx: CallContext, input: sdk.SimulatePrincipalPolicyRequest): Out<sdk.SimulatePolicyResponse> => {
      const source = required(input.PolicySourceArn, 'PolicySourceArn');
      const [, , , , account = '', resource = ''] = source.split(':');
      const [kind, ...rest] = resource.split('/');
      const name = rest.pop() ?? '';
      const state = iamState(ctx.world, account);
      const known = kind === 'user' ? state.users.get(name)?.Arn === source : kind === 'role' ? state.roles.get(name)?.Arn === source : false;
      if (!known) {
        if (kind !== 'user' && kind !== 'role' && kind !== 'group') {
          throw new AwsFault('InvalidInput', `Invalid Entity Arn: ${source} does not clearly define entity type and name.`, 400);
        }
        throw new AwsFault('NoSuchEntity', `${source} cannot be found.`, 404);
      }
      const results = (input.ActionNames ?? []).map((action) => ({
        EvalActionName: action,
        EvalResourceName: '*',
        EvalDecision: ctx.world.identities.decide(source, action),
        MatchedStatements: [],
        MissingContextValues: [],
      }));
      const { page, next } = paginate(results, input.Marker, input.MaxItems);
      return { EvaluationResults: page, IsTruncated: Boolean(next), ...(next ? { Marker: next } : {}) };
    },
  },
};
