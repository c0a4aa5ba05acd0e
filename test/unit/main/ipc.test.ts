import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_WIRE } from '../../../shared/ipc/contract.js';
import type { Handlers } from '../../../electron/main/handlers/index.js';
import { FakeWebContents, fakeElectron } from './fake-electron.js';

const fake = fakeElectron();
vi.mock('electron', () => fake.module);
const { registerIpc, deliverTo } = await import('../../../electron/main/ipc.js');

const calls: unknown[] = [];
const handlers = new Proxy({} as Handlers, {
  get: (_, channel: string) => async (req: unknown) => {
    calls.push([channel, req]);
    if (channel === 'app:info') return { version: '1', platform: 'linux' };
    if (channel === 'job:cancel') return { cancelled: 'not a boolean' };
    if (channel === 'projects:list') throw Object.assign(new Error('disk full'), { code: 'ENOSPC', hint: 'free some space' });
    return {};
  },
});
registerIpc(handlers);

const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });
const invoke = (channel: string, event: unknown, payload: unknown) => (fake.handlers.get(channel) as (e: unknown, p: unknown) => Promise<unknown>)(event, payload);
const app = frame('file:///opt/Skylift/resources/app.asar/dist/renderer/index.html');

describe('IPC registration', () => {
  it('registers exactly the contract channels', () => {
    expect([...fake.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('answers the app window, validating the reply', async () => {
    expect(await invoke('app:info', app, {})).toEqual({ ok: true, value: { version: '1', platform: 'linux' } });
    expect(await invoke('job:cancel', app, { jobId: 'x' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('refuses sub-frames and pages not loaded from disk, before any handler runs', async () => {
    calls.length = 0;
    for (const event of [frame('https://evil.example/'), frame('file:///x.html', { url: 'file:///top.html' }), { senderFrame: null }]) {
      expect(await invoke('app:info', event, {})).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses payloads that do not match the contract, with the field and what to do', async () => {
    calls.length = 0;
    expect(await invoke('projects:open', app, { projectId: '../../etc' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'projectId: not a project id' } });
    expect(await invoke('app:info', app, { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await invoke('target:check', app, { projectId: 'p-1', region: 'mars', credentials: { kind: 'default' }, remember: false })).toMatchObject({
      ok: false,
      error: { message: 'region: not an AWS region, e.g. us-east-1' },
    });
    expect(calls).toEqual([]);
  });

  it('passes an engine error on as message and hint, never a stack', async () => {
    const result = (await invoke('projects:list', app, {})) as { ok: false; error: Record<string, string> };
    expect(result).toEqual({ ok: false, error: { code: 'ENOSPC', message: 'disk full', hint: 'free some space' } });
  });

  it('delivers events on the one event wire, and reports a closed window as not delivered', () => {
    const wc = new FakeWebContents();
    const envelope = { event: 'job:event' as const, payload: { type: 'done', jobId: 'j1' } };
    expect(deliverTo(wc as never, envelope)).toBe(true);
    expect(wc.sent).toEqual([{ channel: EVENT_WIRE, payload: envelope }]);
    wc.destroyed = true;
    expect(deliverTo(wc as never, envelope)).toBe(false);
    expect(deliverTo(undefined, envelope)).toBe(false);
    expect(wc.sent).toHaveLength(1);
  });
});
