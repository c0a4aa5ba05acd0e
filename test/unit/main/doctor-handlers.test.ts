import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorAccess, DoctorReport } from '../../../shared/ipc/doctor.js';
import type { JobEvent } from '../../../shared/ipc/events.js';
import { EventQueue } from '../../../electron/main/event-queue.js';
import { createHandlers, dispatch, type HandlerDeps, type Handlers } from '../../../electron/main/handlers/index.js';
import { opt } from '../../integration/aws/eb-setup.js';
import { startDoctorWorld, type DoctorWorld } from '../../integration/doctor/doctor-world.js';
import { handlerDeps } from './handler-deps.js';

const ONE_INSTANCE = opt('aws:autoscaling:asg', 'MaxSize', '1');
const writes = (w: DoctorWorld, since: number) => w.session.double.calls.slice(since).filter((c) => !/^(Describe|Get|List)/.test(c.operation)).map((c) => c.operation);

/** The doctor's handlers over the AWS double, a real nginx and a real Socket.IO app; the job events they stream, recorded. */
describe('the WebSocket doctor handlers', () => {
  let w: DoctorWorld;
  let dir: string;
  let handlers: Handlers;
  let access: DoctorAccess;
  let queue: EventQueue;
  let runner: HandlerDeps['runner'];
  const events: JobEvent[] = [];
  let heard = () => undefined as void;

  /** Waits for the job's event that `pick` accepts. */
  async function waitFor<T extends JobEvent>(jobId: string, pick: (e: JobEvent) => e is T): Promise<T> {
    for (;;) {
      const found = events.find((e): e is T => e.jobId === jobId && pick(e));
      if (found) return found;
      await new Promise<void>((resolve) => (heard = resolve));
    }
  }
  const ended = (e: JobEvent): e is Extract<JobEvent, { type: 'done' | 'failed' | 'cancelled' }> => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled';
  const reported = (e: JobEvent): e is Extract<JobEvent, { type: 'doctor' }> => e.type === 'doctor';
  const asked = (e: JobEvent): e is Extract<JobEvent, { type: 'confirm' }> => e.type === 'confirm';

  async function examine(environment: string): Promise<DoctorReport> {
    const { jobId } = await handlers['doctor:examine']({ access, environment, urls: [], echoEvent: 'echo' });
    expect(await waitFor(jobId, ended)).toMatchObject({ type: 'done' });
    return (await waitFor(jobId, reported)).report;
  }

  beforeAll(async () => {
    w = await startDoctorWorld();
    await w.environment({ name: 'unit-classic', options: [ONE_INSTANCE] });
    await w.environment({ name: 'unit-healthy', options: [opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'), ONE_INSTANCE, opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300')] });
    dir = await mkdtemp(join(tmpdir(), 'skylift-doctor-handlers-'));
    queue = new EventQueue((envelope) => {
      events.push(envelope.payload as JobEvent);
      heard();
      return true;
    });
    queue.ready();
    const { timeScale, connect } = w.runner();
    runner = { ...(timeScale ? { timeScale } : {}), ...(connect ? { connect } : {}) };
    handlers = createHandlers(handlerDeps(dir, { events: queue, awsEndpointUrl: w.session.double.endpoint, runner })).handlers;
    access = { region: 'us-east-1', credentials: { kind: 'keys', accessKeyId: w.session.user.accessKeyId, secretAccessKey: w.session.user.secretAccessKey } };
  }, 180_000);

  afterAll(async () => {
    await w?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses requests that are not the contract\'s', async () => {
    const ok = { access: { region: 'us-east-1', credentials: { kind: 'default' } }, environment: 'unit-classic', urls: [], echoEvent: null };
    expect(await dispatch(handlers, 'doctor:examine', { ...ok, access: { ...ok.access, region: 'mars' } })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'access.region: not an AWS region, e.g. us-east-1' } });
    expect(await dispatch(handlers, 'doctor:examine', { ...ok, urls: ['ftp://example.com/'] })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^urls\.0: not an http\(s\) URL/) } });
    expect(await dispatch(handlers, 'doctor:examine', { ...ok, environment: 'a b; rm' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^environment: /) } });
    // Outside a project there are no saved keys to use.
    expect(await dispatch(handlers, 'doctor:environments', { access: { region: 'us-east-1', credentials: { kind: 'saved-keys' } } })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await dispatch(handlers, 'doctor:undo', { credentials: { kind: 'default' }, fixId: '../../etc' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'fixId: not a doctor fix id' } });
    expect(await dispatch(handlers, 'doctor:fix', { examinationId: 'x', yes: true })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('lists the environments; wrong keys are refused with what to do', async () => {
    expect((await handlers['doctor:environments']({ access })).map((e) => [e.name, e.status, e.cname]).sort()).toEqual([
      ['unit-classic', 'Ready', 'unit-classic.us-east-1.elasticbeanstalk.com'],
      ['unit-healthy', 'Ready', 'unit-healthy.us-east-1.elasticbeanstalk.com'],
    ]);
    const wrong = { region: 'us-east-1', credentials: { kind: 'keys', accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: 'not-the-secret-not-the-secret' } };
    expect(await dispatch(handlers, 'doctor:environments', { access: wrong })).toMatchObject({ ok: false, error: { hint: expect.stringMatching(/^AWS did not accept the credentials/) } });
  });

  it('an environment that does not exist fails the job with the doctor\'s own hint', async () => {
    const { jobId } = await handlers['doctor:examine']({ access, environment: 'no-such-env', urls: [], echoEvent: null });
    expect(await waitFor(jobId, ended)).toMatchObject({ type: 'failed', error: { code: 'NO_ENVIRONMENT', hint: expect.stringContaining('check the name') } });
  });

  it('examines with progress, and a declined confirmation changes nothing and keeps the fix on offer', async () => {
    const report = await examine('unit-classic');
    expect(report.findings.map((f) => f.id)).toEqual(['classic-layer7-listener']);
    expect(report.fix?.steps.map((s) => s.id)).toEqual(['doctor-listeners-layer4', 'doctor-verify']);
    expect(report.fix?.steps[0]?.undo).toMatch(/^put back aws:elb:listener:80 ListenerProtocol HTTP/);
    const examineJob = events.find((e) => e.type === 'doctor' && e.report === report)!.jobId;
    const phases = events.filter((e) => e.jobId === examineJob && e.type === 'phase').map((e) => (e.type === 'phase' ? e.detail : ''));
    expect(phases[0]).toBe('Reading unit-classic: its configuration, load balancer, instances and deployed bundle');
    expect(phases).toContain('Shaking hands with unit-classic.us-east-1.elasticbeanstalk.com:80 (Socket.IO polling, then WebSocket, then the echo)');

    const since = w.session.double.calls.length;
    const { jobId, fixId } = await handlers['doctor:fix']({ examinationId: report.examinationId });
    expect(fixId).toBe(report.fix?.id);
    const question = await waitFor(jobId, asked);
    expect(question.question).toMatch(/^Apply the fix to unit-classic\?\n1\. Classic load balancer listeners to layer 4/);
    expect(await handlers['job:answer']({ promptId: question.promptId, yes: false })).toEqual({ known: true });
    expect(await waitFor(jobId, ended)).toMatchObject({ type: 'failed', error: { code: 'NOT_APPLIED', message: 'the fix was not applied: nothing changed' } });
    expect(writes(w, since)).toEqual([]);
    // Still on offer: asked again, then cancelled with the job.
    const again = await handlers['doctor:fix']({ examinationId: report.examinationId });
    await waitFor(again.jobId, asked);
    await handlers['job:cancel']({ jobId: again.jobId });
    expect(await waitFor(again.jobId, ended)).toMatchObject({ type: 'cancelled' });
    expect(writes(w, since)).toEqual([]);
    // Nothing was applied, so there is nothing to undo, and no fix is listed.
    expect(await dispatch(handlers, 'doctor:undo', { credentials: access.credentials, fixId })).toMatchObject({ ok: false, error: { code: 'NO_FIX' } });
    expect(await handlers['doctor:fixes']({})).toEqual([]);
  });

  it('fixes, keeps the fix on record without the keys, and undoes it after a restart', async () => {
    const report = await examine('unit-classic');
    const { jobId, fixId } = await handlers['doctor:fix']({ examinationId: report.examinationId });
    await handlers['job:answer']({ promptId: (await waitFor(jobId, asked)).promptId, yes: true });
    expect(await waitFor(jobId, ended)).toMatchObject({ type: 'done' });
    const runEnd = events.find((e) => e.jobId === jobId && e.type === 'runner' && e.event.type === 'end');
    expect(runEnd).toMatchObject({ event: { mode: 'apply', result: 'completed' } });
    expect((await waitFor(jobId, reported)).report).toMatchObject({ healthy: true, loadBalancer: { listeners: [{ protocol: 'TCP', port: 80 }] } });
    expect(await handlers['doctor:fixes']({})).toEqual([{ fixId, environment: 'unit-classic', region: 'us-east-1', urls: [], echoEvent: 'echo', at: expect.any(String), undoable: true }]);
    const record = await readFile(join(dir, 'doctor', 'fixes', `${fixId}.json`), 'utf8');
    expect(record).not.toContain(access.credentials.kind === 'keys' ? access.credentials.secretAccessKey : '-');

    // A restart: new handlers on the same data; the undo needs only the credentials again.
    const restarted = createHandlers(handlerDeps(dir, { events: queue, awsEndpointUrl: w.session.double.endpoint, runner })).handlers;
    const undo = await restarted['doctor:undo']({ credentials: access.credentials, fixId });
    const question = await waitFor(undo.jobId, asked);
    expect(question.question).toBe(`Undo ${fixId} on unit-classic? Each change is put back to the setting recorded before the fix, latest first.`);
    await restarted['job:answer']({ promptId: question.promptId, yes: true });
    expect(await waitFor(undo.jobId, ended)).toMatchObject({ type: 'done' });
    expect((await waitFor(undo.jobId, reported)).report.findings.map((f) => f.id)).toEqual(['classic-layer7-listener']);
    expect(await restarted['doctor:fixes']({})).toEqual([expect.objectContaining({ fixId, undoable: false })]);
    expect(await dispatch(restarted, 'doctor:undo', { credentials: access.credentials, fixId })).toMatchObject({ ok: false, error: { code: 'NOTHING_TO_UNDO' } });
  });

  it('a healthy environment: nothing to fix, nothing written', async () => {
    const since = w.session.double.calls.length;
    const report = await examine('unit-healthy');
    expect(report).toMatchObject({ healthy: true, findings: [], fix: null, loadBalancer: { kind: 'application', idleTimeoutSeconds: 300 } });
    expect(report.handshakes[0]).toMatchObject({ websocket: { status: 101, upgraded: true }, echo: { ok: true } });
    expect(await dispatch(handlers, 'doctor:fix', { examinationId: report.examinationId })).toMatchObject({ ok: false, error: { code: 'NOTHING_TO_FIX', message: 'unit-healthy is healthy: there is nothing to change' } });
    expect(await dispatch(handlers, 'doctor:fix', { examinationId: 'gone' })).toMatchObject({ ok: false, error: { code: 'NO_EXAMINATION', hint: 'examine the environment again' } });
    expect(writes(w, since)).toEqual([]);
  });
});
