import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers, dispatch, type HandlerDeps, type Handlers } from '../../../electron/main/handlers/index.js';
import { handlerDeps, journalDone } from './handler-deps.js';

describe('a project whose cutover has started', () => {
  let dir: string;
  let handlers: Handlers;
  let deps: HandlerDeps;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skylift-cutover-lock-'));
    deps = handlerDeps(dir);
    handlers = createHandlers(deps).handlers;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses any change to the design or target, with what to do instead, and keeps the plan it runs', async () => {
    const { meta, plan } = await handlers['projects:create']({ name: 'locked', sample: 'do-1click-socketio' });
    const planFile = join(dir, 'projects', meta.id, 'plan.json');
    const before = await readFile(planFile, 'utf8');
    // Before the cutover the design is free to change.
    expect(await dispatch(handlers, 'design:answer', { projectId: meta.id, answers: { 'ha.level': 'multi-az' }, clear: [] })).toMatchObject({ ok: true });
    const started = await readFile(planFile, 'utf8');
    expect(started).not.toBe(before);
    journalDone(deps.store.dir(meta.id), plan!, [plan!.steps[0]!.id]);

    const refused = { ok: false, error: { code: 'CUTOVER_STARTED', message: 'the cutover has started: its plan can no longer change', hint: 'finish the cutover (or go back with the rollback checklist) before changing the design or the target' } };
    expect(await dispatch(handlers, 'design:answer', { projectId: meta.id, answers: { 'app.chat.instanceType': 't3.small' }, clear: [] })).toEqual(refused);
    expect(await dispatch(handlers, 'design:answer', { projectId: meta.id, answers: {}, clear: ['ha.level'] })).toEqual(refused);
    expect(await dispatch(handlers, 'target:check', { projectId: meta.id, region: 'eu-west-1', credentials: { kind: 'default' }, remember: false })).toEqual(refused);
    expect(await readFile(planFile, 'utf8')).toBe(started);
    const reopened = await handlers['projects:open']({ projectId: meta.id });
    expect(reopened.answers).toEqual({ 'ha.level': 'multi-az' });
    expect(reopened.cutover?.done).toEqual([plan!.steps[0]!.id]);
  });
});

