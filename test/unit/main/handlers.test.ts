import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobEvent } from '../../../shared/ipc/events.js';
import { createHandlers, dispatch, type HandlerDeps } from '../../../electron/main/handlers/index.js';
import { handlerDeps } from './handler-deps.js';
import { Jobs } from '../../../electron/main/handlers/jobs.js';
import { toUiError } from '../../../electron/main/handlers/ui-error.js';

describe('main-process handlers (plain functions, no Electron)', () => {
  let dir: string;
  let deps: HandlerDeps;
  let saveTo: string | null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skylift-handlers-'));
    saveTo = join(dir, 'out');
    deps = handlerDeps(dir, { chooseSaveLocation: async () => saveTo });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps a project on disk and reopens it where it was left', async () => {
    const { handlers } = createHandlers(deps);
    const created = await handlers['projects:create']({ name: 'Sample tour', sample: 'two-apps' });
    expect(created.meta.step).toBe('inventory');
    expect(created.design?.resources.environments).toHaveLength(2);
    await handlers['projects:set-step']({ projectId: created.meta.id, step: 'design' });
    const again = createHandlers(deps).handlers;
    const [summary] = await again['projects:list']({});
    expect(summary).toMatchObject({ id: created.meta.id, step: 'design', source: { kind: 'sample', sample: 'two-apps' } });
    const reopened = await again['projects:open']({ projectId: created.meta.id });
    expect(reopened.plan).toEqual(created.plan);
    expect(JSON.parse(await readFile(join(dir, 'projects', created.meta.id, 'plan.json'), 'utf8'))).toEqual(created.plan);
  });

  it('records given answers, drops cleared ones, and re-plans', async () => {
    const { handlers } = createHandlers(deps);
    const { meta } = await handlers['projects:create']({ name: 'p', sample: 'do-1click-socketio' });
    const changed = await handlers['design:answer']({ projectId: meta.id, answers: { 'app.chat.instanceType': 't3.small', 'ha.level': 'multi-az' }, clear: [] });
    expect(changed.design?.resources.environments[0]?.instanceType).toBe('t3.small');
    const back = await handlers['design:answer']({ projectId: meta.id, answers: {}, clear: ['app.chat.instanceType'] });
    expect(back.answers).toEqual({ 'ha.level': 'multi-az' });
    expect(back.design?.resources.environments[0]?.instanceType).toBe('t3.micro');
  });

  it('exports one file or a folder where the save dialog says, and nothing when it is cancelled', async () => {
    const { handlers } = createHandlers(deps);
    const { meta } = await handlers['projects:create']({ name: 'p', sample: 'do-1click-socketio' });
    saveTo = join(dir, 'bundle');
    const bundle = await handlers['plan:export']({ projectId: meta.id, what: 'eb-bundle' });
    expect(bundle.saved?.files).toContain('Procfile');
    expect((await readdir(saveTo, { recursive: true })).filter((f) => f.endsWith('Procfile'))).toEqual(['Procfile']);
    saveTo = join(dir, 'rollback.md');
    expect(await handlers['plan:export']({ projectId: meta.id, what: 'rollback' })).toEqual({ saved: { dir, files: ['rollback.md'] } });
    expect(await readFile(saveTo, 'utf8')).toMatch(/^# /);
    saveTo = null;
    expect(await handlers['plan:export']({ projectId: meta.id, what: 'all' })).toEqual({ saved: null });
    expect((await handlers['projects:open']({ projectId: meta.id })).meta.exports.map((e) => e.what)).toEqual(['eb-bundle', 'rollback']);
  });

  it('says what to do about an unknown project or sample, through dispatch', async () => {
    const { handlers } = createHandlers(deps);
    expect(await dispatch(handlers, 'projects:open', { projectId: 'gone-1' })).toMatchObject({ ok: false, error: { code: 'PROJECT_NOT_FOUND', hint: expect.stringContaining('pick it again') } });
    expect(await dispatch(handlers, 'projects:create', { name: 'x', sample: 'nope' })).toMatchObject({ ok: false, error: { code: 'NO_SUCH_SAMPLE', hint: expect.stringContaining('do-1click-socketio') } });
    expect(await dispatch(handlers, 'no:such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('turns an unexpected error into one line and a next step, keeping the stack for the log', () => {
    const logged: string[] = [];
    const err = new TypeError('cannot read properties of undefined\n    at x (file.js:1:2)');
    expect(toUiError(err, (t) => logged.push(t))).toEqual({ code: 'UNEXPECTED', message: 'cannot read properties of undefined', hint: expect.any(String) });
    expect(logged[0]).toContain('file.js:1:2');
  });
});

describe('jobs', () => {
  it('asks a host-key question and waits for the answer; cancelling answers no', async () => {
    const events: JobEvent[] = [];
    const jobs = new Jobs((e) => events.push(e));
    const answers: boolean[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const id = jobs.start(async (job) => {
      answers.push(await job.askHostKey({ label: 'root@box:22', host: 'box', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x' }));
      answers.push(await job.askHostKey({ label: 'root@box:22', host: 'box', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:y' }));
      await held;
    });
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'host-key')).toHaveLength(1));
    const first = events.find((e) => e.type === 'host-key') as Extract<JobEvent, { type: 'host-key' }>;
    expect(jobs.answer(first.promptId, true)).toBe(true);
    expect(jobs.answer(first.promptId, true)).toBe(false);
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'host-key')).toHaveLength(2));
    expect(jobs.cancel(id)).toBe(true);
    release();
    await vi.waitFor(() => expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: id }));
    expect(answers).toEqual([true, false]);
    expect(jobs.cancel(id)).toBe(false);
  });

  it('reports a failure with its hint', async () => {
    const events: JobEvent[] = [];
    const jobs = new Jobs((e) => events.push(e));
    const id = jobs.start(async () => {
      throw Object.assign(new Error('connection refused'), { code: 'REFUSED', hint: 'check that sshd runs' });
    });
    await vi.waitFor(() => expect(events).toEqual([{ type: 'failed', jobId: id, error: { code: 'REFUSED', message: 'connection refused', hint: 'check that sshd runs' } }]));
  });
});
