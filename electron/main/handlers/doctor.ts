import { DescribeEnvironmentsCommand, type EnvironmentDescription } from '@aws-sdk/client-elastic-beanstalk';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildFixPlan } from '../../../shared/doctor/fix-plan.js';
import { DoctorFixRecord, DoctorReport, type DoctorAccess, type DoctorExamineRequest, type DoctorFix } from '../../../shared/ipc/doctor.js';
import { journalState } from '../../../shared/runner/journal-state.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { hintFor } from '../../engine/aws/errors.js';
import { directConnect } from '../../engine/doctor/handshake.js';
import { examine, fixId, type Examination } from '../../engine/doctor/index.js';
import { apply } from '../../engine/runner/apply.js';
import { Journal, migrationDir } from '../../engine/runner/journal.js';
import { awsClientsFor, savedPlan } from '../../engine/runner/migration.js';
import { rollback, rollbackPreview } from '../../engine/runner/rollback.js';
import type { RunnerOptions } from '../../engine/runner/run.js';
import { awsAccess, failedRun, jobRunnerOptions } from './cutover.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import type { JobContext, Jobs } from './jobs.js';
import { undoText } from './rollback.js';
import { UiFailure } from './ui-error.js';

/** A window waits on the environment list: fail in seconds rather than retry for a minute. */
const LIST_ATTEMPTS = 2;

/** An examination held for its fix: the request it answered and the plan built from what the person saw. */
interface Held {
  request: DoctorExamineRequest;
  diagnosisHealthy: boolean;
  plan: Plan | null;
}

/** AWS SDK errors carry no hint of their own: the AWS layer's, so the window says what to do. */
function inUserTerms(err: unknown): unknown {
  const hint = (err as { hint?: unknown }).hint;
  const known = hintFor(err);
  if (typeof hint === 'string' || !known || !(err instanceof Error)) return err;
  return new UiFailure(err.name, err.message, known);
}

function report(examinationId: string, exam: Examination, plan: Plan | null): DoctorReport {
  const { facts, diagnosis } = exam;
  return DoctorReport.parse({
    examinationId,
    environment: facts.environment,
    loadBalancer: facts.loadBalancer,
    instances: facts.instances,
    bundleError: facts.bundleError,
    handshakes: facts.handshakes,
    healthy: diagnosis.healthy,
    findings: diagnosis.findings,
    ping: diagnosis.ping,
    fix: plan && { id: plan.migration.name, steps: plan.steps.map((s) => ({ id: s.id, phase: s.phase, title: s.title, undo: undoText(s) })) },
  });
}

const summary = (e: EnvironmentDescription) => ({ name: e.EnvironmentName ?? '', application: e.ApplicationName ?? '', status: e.Status ?? 'unknown', health: e.Health ?? null, cname: e.CNAME ?? '' });

/**
 * The WebSocket doctor from the window: examine an existing environment, apply the fix plan
 * through the cutover runner (journal, verify), and undo it through the rollback. Fixes are
 * journaled under `<data>/doctor`, so an undo works after a restart too.
 */
export function doctorHandlers(deps: HandlerDeps, jobs: Jobs): Pick<Handlers, 'doctor:environments' | 'doctor:examine' | 'doctor:fix' | 'doctor:fixes' | 'doctor:undo'> {
  const home = join(deps.dataDir, 'doctor');
  const records = join(home, 'fixes');
  const held = new Map<string, Held>();
  const access = (a: DoctorAccess) => awsAccess(deps, a.region, a.credentials);
  const options = (job: JobContext, a: DoctorAccess): RunnerOptions => jobRunnerOptions(deps, job, home, access(a));

  /** Examines, reports, and holds the examination for a fix. */
  async function examineFor(job: JobContext, request: DoctorExamineRequest): Promise<void> {
    const runner = options(job, request.access);
    const connect = runner.connect ?? directConnect;
    job.progress({ type: 'phase', phase: 'examining', detail: `Reading ${request.environment}: its configuration, load balancer, instances and deployed bundle` });
    const exam = await examine({
      environment: request.environment,
      region: request.access.region,
      urls: request.urls,
      echoEvent: request.echoEvent,
      runner: {
        ...runner,
        connect: (host, port) => {
          job.progress({ type: 'phase', phase: 'examining', detail: `Shaking hands with ${host}:${port} (Socket.IO polling, then WebSocket${request.echoEvent ? ', then the echo' : ''})` });
          return connect(host, port);
        },
      },
    }).catch((err: unknown) => {
      throw inUserTerms(err);
    });
    const plan = buildFixPlan(exam.facts, exam.diagnosis, { id: fixId(request.environment), echoEvent: request.echoEvent });
    const examinationId = randomUUID();
    held.set(examinationId, { request, diagnosisHealthy: exam.diagnosis.healthy, plan });
    job.doctor(report(examinationId, exam, plan));
  }

  /** A fix's record, with whether its journal shows anything done that is not undone yet. */
  async function fixOf(fixId: string): Promise<DoctorFix | null> {
    const text = await readFile(join(records, `${fixId}.json`), 'utf8').catch(() => null);
    if (text === null) return null;
    const record = DoctorFixRecord.parse(JSON.parse(text));
    const state = journalState(Journal.read(migrationDir(fixId, home)));
    const undoable = state.migration !== null && rollbackPreview(savedPlan(fixId, home), state).steps.length > 0;
    return { ...record, undoable };
  }

  return {
    'doctor:fixes': async () => {
      const names = await readdir(records).catch(() => [] as string[]);
      const ids = names.flatMap((n) => /^(doctor-[a-z0-9-]+)\.json$/.exec(n)?.[1] ?? []);
      const fixes = await Promise.all(ids.map(fixOf));
      return fixes.filter((f): f is DoctorFix => f !== null).sort((a, b) => b.at.localeCompare(a.at));
    },
    'doctor:environments': async ({ access: a }) => {
      const clients = awsClientsFor({ ...access(a), maxAttempts: LIST_ATTEMPTS }, a.region, 'skylift-doctor');
      try {
        const found: EnvironmentDescription[] = [];
        let token: string | undefined;
        do {
          const page = await clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ IncludeDeleted: false, ...(token ? { NextToken: token } : {}) }));
          found.push(...(page.Environments ?? []));
          token = page.NextToken;
        } while (token);
        return found.filter((e) => e.Status !== 'Terminated').map(summary);
      } catch (err) {
        throw inUserTerms(err);
      } finally {
        clients.destroy();
      }
    },
    'doctor:examine': async (request) => ({ jobId: jobs.start((job) => examineFor(job, request)) }),
    'doctor:fix': async ({ examinationId }) => {
      const exam = held.get(examinationId);
      if (!exam) throw new UiFailure('NO_EXAMINATION', 'that examination is no longer held (Skylift restarted since, or its fix already ran)', 'examine the environment again');
      const { plan, request } = exam;
      if (!plan) {
        throw exam.diagnosisHealthy
          ? new UiFailure('NOTHING_TO_FIX', `${request.environment} is healthy: there is nothing to change`, 'nothing to do')
          : new UiFailure('NOTHING_TO_FIX', 'nothing the doctor found can be fixed automatically', 'make the changes each cause names by hand, then examine again');
      }
      // One fix per examination: a second one is built from a new look at the environment.
      held.delete(examinationId);
      const jobId = jobs.start(async (job) => {
        const changes = plan.steps.filter((s) => s.phase !== 'verify').map((s, i) => `${i + 1}. ${s.title}`);
        const yes = await job.confirm(`Apply the fix to ${request.environment}?\n${changes.join('\n')}\nThen a real Socket.IO handshake checks it. Undo puts back the recorded settings.`);
        if (!yes) {
          held.set(examinationId, exam);
          if (job.signal.aborted) return;
          throw new UiFailure('NOT_APPLIED', 'the fix was not applied: nothing changed', 'press Fix when you are ready');
        }
        const record: DoctorFixRecord = { fixId: plan.migration.name, environment: request.environment, region: request.access.region, urls: request.urls, echoEvent: request.echoEvent, at: new Date().toISOString() };
        await mkdir(records, { recursive: true });
        await writeFile(join(records, `${record.fixId}.json`), `${JSON.stringify(record, null, 2)}\n`);
        failedRun(await apply(plan, options(job, request.access)), 'fix');
        await examineFor(job, request);
      });
      return { jobId, fixId: plan.migration.name };
    },
    'doctor:undo': async ({ fixId: id, credentials }) => {
      const fix = await fixOf(id);
      if (!fix) throw new UiFailure('NO_FIX', `there is no fix ${id} to undo`, 'examine the environment again to see how it stands');
      if (!fix.undoable) throw new UiFailure('NOTHING_TO_UNDO', `${id} has nothing left to undo: its journal shows every change put back (or none made)`, 'examine the environment again to see how it stands');
      const request: DoctorExamineRequest = { access: { region: fix.region, credentials }, environment: fix.environment, urls: fix.urls, echoEvent: fix.echoEvent };
      return {
        jobId: jobs.start(async (job) => {
          const yes = await job.confirm(`Undo ${id} on ${fix.environment}? Each change is put back to the setting recorded before the fix, latest first.`);
          if (!yes) {
            if (job.signal.aborted) return;
            throw new UiFailure('NOT_UNDONE', 'the fix was not undone: nothing changed', 'press Undo when you are ready');
          }
          failedRun(await rollback(id, options(job, request.access)), 'undo');
          await examineFor(job, request);
        }),
      };
    },
  };
}
