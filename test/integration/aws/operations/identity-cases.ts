import { AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand, DeleteInstanceProfileCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetInstanceProfileCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, ListInstanceProfilesCommand, ListInstanceProfilesForRoleCommand, ListInstanceProfileTagsCommand, ListRolePoliciesCommand, ListRolesCommand, ListRoleTagsCommand, PutRolePolicyCommand, RemoveRoleFromInstanceProfileCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { SKYLIFT_TAG, type OperationCase } from './context.js';

const trust = (principal: object) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] });
const ENHANCED_HEALTH = 'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth';

export const identityCases: OperationCase[] = [
  {
    name: 'who am I',
    ops: ['sts:GetCallerIdentity'],
    async run(ctx) {
      const me = await ctx.clients.sts.send(new GetCallerIdentityCommand({}));
      expect(me).toMatchObject({ Account: ctx.session.user.account, Arn: ctx.session.user.arn });
    },
  },
  {
    name: 'EB service role: missing, created with the migration tag, policy attached',
    ops: ['iam:GetRole', 'iam:CreateRole', 'iam:AttachRolePolicy', 'iam:ListAttachedRolePolicies'],
    async run(ctx) {
      const { clients } = ctx;
      await expect(clients.iam.send(new GetRoleCommand({ RoleName: 'skylift-eb-service' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
      await clients.iam.send(new CreateRoleCommand({ RoleName: 'skylift-eb-service', AssumeRolePolicyDocument: trust({ Service: 'elasticbeanstalk.amazonaws.com' }) }));
      const role = (await clients.iam.send(new GetRoleCommand({ RoleName: 'skylift-eb-service' }))).Role!;
      expect(role.Tags).toContainEqual(SKYLIFT_TAG);
      expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!))).toMatchObject({ Statement: [{ Principal: { Service: 'elasticbeanstalk.amazonaws.com' } }] });
      await clients.iam.send(new AttachRolePolicyCommand({ RoleName: 'skylift-eb-service', PolicyArn: ENHANCED_HEALTH }));
      const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'skylift-eb-service' }));
      expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([ENHANCED_HEALTH]);
      ctx.set('serviceRole', role.Arn);
    },
  },
  {
    name: 'instance profile for the EB instances',
    ops: ['iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:GetInstanceProfile'],
    async run(ctx) {
      const { clients } = ctx;
      await clients.iam.send(new CreateRoleCommand({ RoleName: 'skylift-eb-ec2', AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
      await clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'skylift-eb-ec2' }));
      await clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'skylift-eb-ec2', RoleName: 'skylift-eb-ec2' }));
      const profile = (await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'skylift-eb-ec2' }))).InstanceProfile!;
      expect(profile.Roles?.map((r) => r.RoleName)).toEqual(['skylift-eb-ec2']);
      expect(profile.Tags).toContainEqual(SKYLIFT_TAG);
    },
  },
  {
    name: 'roles and instance profiles listed without tags, their tags and what holds a role read apart (how cleanup finds and frees them)',
    ops: ['iam:ListRoles', 'iam:ListRoleTags', 'iam:ListRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:ListInstanceProfiles', 'iam:ListInstanceProfileTags'],
    async run({ clients }) {
      const roles = (await clients.iam.send(new ListRolesCommand({}))).Roles!;
      expect(roles.map((r) => r.RoleName)).toEqual(expect.arrayContaining(['skylift-eb-service', 'skylift-eb-ec2']));
      expect(roles.every((r) => r.Tags === undefined)).toBe(true);
      expect((await clients.iam.send(new ListRoleTagsCommand({ RoleName: 'skylift-eb-ec2' }))).Tags).toEqual([SKYLIFT_TAG]);
      await clients.iam.send(new PutRolePolicyCommand({ RoleName: 'skylift-eb-ec2', PolicyName: 'skylift-app', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
      expect((await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'skylift-eb-ec2' }))).PolicyNames).toEqual(['skylift-app']);
      await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: 'skylift-eb-ec2', PolicyName: 'skylift-app' }));
      const holding = (await clients.iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'skylift-eb-ec2' }))).InstanceProfiles!;
      expect(holding.map((p) => p.InstanceProfileName)).toEqual(['skylift-eb-ec2']);
      const profiles = (await clients.iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles!;
      expect(profiles.map((p) => [p.InstanceProfileName, p.Roles?.map((r) => r.RoleName), p.Tags])).toEqual([['skylift-eb-ec2', ['skylift-eb-ec2'], undefined]]);
      expect((await clients.iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'skylift-eb-ec2' }))).Tags).toEqual([SKYLIFT_TAG]);
      await expect(clients.iam.send(new ListRoleTagsCommand({ RoleName: 'no-such-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    },
  },
  {
    name: 'policy simulation for the current user',
    ops: ['iam:SimulatePrincipalPolicy'],
    async run({ clients, session }) {
      session.double.deny(session.user.arn, ['route53:ChangeTagsForResource']);
      const result = await clients.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: session.user.arn, ActionNames: ['rds:CreateDBInstance', 'route53:ChangeTagsForResource'] }));
      expect(result.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
        ['rds:CreateDBInstance', 'allowed'],
        ['route53:ChangeTagsForResource', 'implicitDeny'],
      ]);
    },
  },
  {
    name: 'assume-role profile from ~/.aws/config',
    ops: ['sts:AssumeRole'],
    async run(ctx) {
      const { clients, session, dir } = ctx;
      const account = session.user.account;
      await clients.iam.send(new CreateRoleCommand({ RoleName: 'skylift-deploy', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:root` }) }));
      const config = path.join(dir, 'config');
      const credentials = path.join(dir, 'credentials');
      await writeFile(credentials, `[base]\naws_access_key_id = ${session.user.accessKeyId}\naws_secret_access_key = ${session.user.secretAccessKey}\n`);
      await writeFile(config, `[profile deploy]\nrole_arn = arn:aws:iam::${account}:role/skylift-deploy\nsource_profile = base\nrole_session_name = skylift\n`);
      const asRole = session.connect({ credentials: { kind: 'profile', profile: 'deploy' }, profileFiles: { config, credentials } });
      const me = await asRole.sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(`arn:aws:sts::${account}:assumed-role/skylift-deploy/skylift`);
    },
  },
];

export const identityTeardown: OperationCase[] = [
  {
    name: 'roles and instance profile removed in dependency order',
    ops: ['iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:DetachRolePolicy', 'iam:DeleteRole'],
    async run({ clients }) {
      await expect(clients.iam.send(new DeleteRoleCommand({ RoleName: 'skylift-eb-ec2' }))).rejects.toMatchObject({ name: 'DeleteConflictException' });
      await clients.iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'skylift-eb-ec2', RoleName: 'skylift-eb-ec2' }));
      await clients.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'skylift-eb-ec2' }));
      await clients.iam.send(new DetachRolePolicyCommand({ RoleName: 'skylift-eb-service', PolicyArn: ENHANCED_HEALTH }));
      for (const RoleName of ['skylift-eb-ec2', 'skylift-eb-service', 'skylift-deploy']) await clients.iam.send(new DeleteRoleCommand({ RoleName }));
      await expect(clients.iam.send(new GetRoleCommand({ RoleName: 'skylift-eb-service' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    },
  },
];
