import { join } from 'node:path';
import type { TargetState } from '../../../shared/ipc/project.js';
import { loadAccessKeys } from '../../engine/aws/credential-store.js';
import type { CredentialSource } from '../../engine/aws/credentials.js';
import { readCutoverState, runnerHome } from '../../engine/projects/cutover-state.js';
import { AWS_KEYS_FILE, loadSourceSecrets } from '../../engine/projects/project-secrets.js';
import { apply, type RunResult } from '../../engine/runner/apply.js';
import type { AwsAccess, RunnerOptions } from '../../engine/runner/run.js';
import type { Plan } from '../../../shared/schema/plan.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import { sshOptions } from './inventory.js';
import type { JobContext, Jobs } from './jobs.js';
import { UiFailure } from './ui-error.js';

async function credentials(deps: HandlerDeps, projectDir: string, source: TargetState['source']): Promise<CredentialSource> {
  switch (source.kind) {
    case 'default':
      return { kind: 'default' };
    case 'profile':
      return { kind: 'profile', profile: source.profile };
    case 'typed-keys':
      throw new UiFailure('KEYS_NOT_KEPT', 'the AWS keys were checked but not kept, and the cutover needs them for its whole run', 'in the Target step, enter the keys again with "Keep them" ticked');
    case 'saved-keys': {
      const keys = await loadAccessKeys(join(projectDir, AWS_KEYS_FILE), deps.encryptor);
      if (!keys) throw new UiFailure('NO_SAVED_KEYS', 'no AWS keys are saved for this project', 'enter them again in the Target step');
      return keys;
    }
  }
}

/** Refuses a change to a plan whose cutover has started: the journal belongs to that plan. */
export async function assertPlanOpen(deps: HandlerDeps, projectId: string): Promise<void> {
  const saved = await deps.store.plan(projectId);
  if (saved && readCutoverState(deps.store.dir(projectId), saved.migration.name)) {
    throw new UiFailure('CUTOVER_STARTED', 'the cutover has started: its plan can no longer change', 'finish the cutover (or go back with the rollback checklist) before changing the design or the target');
  }
}

/** What the runner needs for this project's cutover or rollback: its AWS account, its box, and the job to report to. */
export async function projectRunner(deps: HandlerDeps, projectId: string): Promise<{ plan: Plan; options: (job: JobContext) => RunnerOptions }> {
  const meta = await deps.store.meta(projectId);
  const plan = await deps.store.plan(projectId);
  if (!plan) throw new UiFailure('NO_PLAN', 'there is no plan to run yet', 'read the box and review the design first');
  if (!meta.target) throw new UiFailure('NO_TARGET', 'the cutover needs an AWS account', 'check the account in the Target step first');
  const dir = deps.store.dir(projectId);
  const aws = awsAccess(deps, meta.target.region, await credentials(deps, dir, meta.target.source));
  const source = meta.source.kind === 'box' ? meta.source.settings : null;
  const secrets = (await loadSourceSecrets(dir, deps.encryptor)) ?? {};
  return {
    plan,
    options: (job) => ({
      ...jobRunnerOptions(deps, job, runnerHome(dir), aws),
      // The box's key was trusted when it was read: from here on a changed key stops the run.
      ssh: async () => {
        if (!source) throw new UiFailure('NO_BOX', 'a sample project has no box to move', 'create a project for your own box');
        return sshOptions(deps, source, secrets, { mode: 'strict' });
      },
    }),
  };
}

/** An AWS account as the runner reaches it from this host (through its endpoint override, if any). */
export function awsAccess(deps: HandlerDeps, region: string, credentials: CredentialSource): AwsAccess {
  return { region, credentials, ...(deps.awsEndpointUrl ? { endpointUrl: deps.awsEndpointUrl } : {}) };
}

/** What every runner job shares: its journal home, its account, its confirmations, its events, its cancellation, the host's pacing. */
export function jobRunnerOptions(deps: HandlerDeps, job: JobContext, home: string, aws: AwsAccess): RunnerOptions {
  return { home, aws, confirm: (question) => job.confirm(question), onEvent: (event) => job.runner(event), signal: job.signal, ...deps.runner };
}

/** A run that ended on a failure fails its job, with the runner's own message and hint. */
export function failedRun(result: RunResult, what: string): void {
  if (result.result === 'failed') throw result.error ?? new UiFailure('RUN_FAILED', result.reason ?? `the ${what} stopped on a failure`, 'read the failed step, fix the cause and resume: what is done is not repeated');
}

export function cutoverHandlers(deps: HandlerDeps, jobs: Jobs): Pick<Handlers, 'cutover:start'> {
  return {
    'cutover:start': async ({ projectId }) => {
      const { plan, options } = await projectRunner(deps, projectId);
      return { jobId: jobs.start(async (job) => failedRun(await apply(plan, options(job)), 'cutover')) };
    },
  };
}
