import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../../shared/schema/plan.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers, dispatch, type HandlerDeps, type Handlers } from '../../../electron/main/handlers/index.js';
import { handlerDeps, journalDone } from './handler-deps.js';

describe('rollback from the window', () => {
  let dir: string;
  let handlers: Handlers;
  let deps: HandlerDeps;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skylift-rollback-'));
    deps = handlerDeps(dir);
    handlers = createHandlers(deps).handlers;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function switched(sample: string, extra: (plan: Plan) => string[] = () => [], edit: (plan: Plan) => Plan = (p) => p) {
    const { meta, plan: planned } = await handlers['projects:create']({ name: 'back', sample });
    const plan = edit(planned!);
    await deps.store.savePlan(meta.id, plan);
    const upTo = plan.steps.findIndex((s) => s.id === 'switch-dns');
    journalDone(deps.store.dir(meta.id), plan, [...plan.steps.slice(0, upTo + 1).map((s) => s.id), ...extra(plan)]);
    return { id: meta.id, plan };
  }

  /** The copy back as one the runner does not make (only dump-restore goes back to the box). */
  const replicateBack = (plan: Plan): Plan => ({
    ...plan,
    steps: plan.steps.map((s) =>
      s.id === 'switch-dns' && s.undo.kind === 'actions' ? { ...s, undo: { ...s.undo, actions: s.undo.actions.map((a) => (a.kind === 'data-copy' ? { ...a, method: 'logical-replication' } : a)) } } : s,
    ),
  });

  it('previews the undo latest first, past the point of no return, with the writes it cannot copy back', async () => {
    const { id, plan } = await switched('linode-systemd-postgres', () => [], replicateBack);
    const preview = await handlers['rollback:preview']({ projectId: id });
    expect(preview.steps[0]).toMatchObject({ id: 'switch-dns', halfDone: false });
    expect(preview.steps.map((s) => s.id)).toEqual(plan.steps.slice(0, plan.steps.findIndex((s) => s.id === 'switch-dns') + 1).map((s) => s.id).reverse());
    expect(preview.pastReturn).toEqual(['switch-dns']);
    expect(preview.lostWrites).toEqual(['switch-dns: postgres logical-replication']);
    expect(preview.irreversible).toEqual([]);
    expect(preview.deletesDatabases).toBe(true);
    // Without the data-loss choice it refuses before touching AWS (the project has no AWS account at all).
    expect(await dispatch(handlers, 'rollback:start', { projectId: id, acceptDataLoss: false, finalSnapshot: true })).toMatchObject({
      ok: false,
      error: { code: 'POINT_OF_NO_RETURN', message: expect.stringContaining('postgres logical-replication'), hint: expect.stringContaining('Go back and lose those writes') },
    });
    expect(await dispatch(handlers, 'rollback:start', { projectId: id, acceptDataLoss: true, finalSnapshot: true })).toMatchObject({ ok: false, error: { code: 'NO_TARGET' } });
  });

  it('refuses once an irreversible step is done, and when nothing was done', async () => {
    const { id } = await switched('do-1click-socketio', (plan) => plan.steps.filter((s) => s.undo.kind === 'irreversible').map((s) => s.id));
    const preview = await handlers['rollback:preview']({ projectId: id });
    expect(preview.irreversible.map((g) => g.step)).toEqual(['decommission-root-203-0-113-10']);
    expect(await dispatch(handlers, 'rollback:start', { projectId: id, acceptDataLoss: true, finalSnapshot: true })).toMatchObject({ ok: false, error: { code: 'POINT_OF_NO_RETURN', hint: expect.stringContaining('final snapshot') } });

    const fresh = await handlers['projects:create']({ name: 'fresh', sample: 'two-apps' });
    expect((await handlers['rollback:preview']({ projectId: fresh.meta.id })).steps).toEqual([]);
    expect(await dispatch(handlers, 'rollback:start', { projectId: fresh.meta.id, acceptDataLoss: false, finalSnapshot: true })).toMatchObject({ ok: false, error: { code: 'NOTHING_TO_ROLL_BACK' } });
  });

  it('refuses a request that is not the contract\'s', async () => {
    expect(await dispatch(handlers, 'rollback:start', { projectId: 'p-1', acceptDataLoss: 'yes', finalSnapshot: true })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^acceptDataLoss: /) } });
    expect(await dispatch(handlers, 'rollback:start', { projectId: 'p-1', acceptDataLoss: true, finalSnapshot: true, yes: true })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

