import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_WIRE, type EventEnvelope } from '../../../shared/ipc/contract.js';
import { FakeBrowserWindow, fakeElectron } from './fake-electron.js';

async function boot(lock: boolean) {
  vi.resetModules();
  const fake = fakeElectron();
  fake.state.lock = lock;
  vi.doMock('electron', () => fake.module);
  process.env.SKYLIFT_HOME = await mkdtemp(join(tmpdir(), 'skylift-main-'));
  FakeBrowserWindow.created = [];
  const { startApp, appMenu } = await import('../../../electron/main/start-app.js');
  startApp();
  return { fake, appMenu };
}

describe('app start', () => {
  it('a second instance quits at once and touches nothing', async () => {
    const { fake } = await boot(false);
    fake.ready();
    // Anything start-up had chained on readiness runs before this await returns.
    await fake.module.app.whenReady();
    expect(fake.state.quit).toBe(1);
    expect(fake.handlers.size).toBe(0);
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });

  it('the first instance sets the menu, registers the contract, opens one window, and is focused by a second launch', async () => {
    const { fake, appMenu } = await boot(true);
    expect(FakeBrowserWindow.created).toHaveLength(0);
    fake.ready();
    await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1));
    expect([...fake.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    expect(fake.state.menu).toEqual({ template: appMenu(process.platform) });
    expect(appMenu('darwin')[0]).toEqual({ role: 'appMenu' });
    const win = FakeBrowserWindow.created[0] as FakeBrowserWindow;
    win.minimized = true;
    fake.module.app.emit('second-instance');
    expect([win.restored, win.focused]).toEqual([1, 1]);
  });

  it('holds the events of a job while the page reloads and delivers them in order once it says it is ready', async () => {
    const { fake } = await boot(true);
    fake.ready();
    await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1));
    const win = FakeBrowserWindow.created[0] as FakeBrowserWindow;
    const page = { senderFrame: { url: 'file:///app/dist/renderer/index.html', parent: null } };
    const invoke = async (channel: string, payload: unknown = {}) => {
      const result = (await (fake.handlers.get(channel) as (e: unknown, p: unknown) => Promise<{ ok: boolean; value: unknown }>)(page, payload)) as { ok: true; value: Record<string, unknown> };
      expect(result.ok).toBe(true);
      return result.value;
    };
    expect(await invoke('app:ready')).toEqual({ delivered: 0 });
    const { meta } = (await invoke('projects:create', { name: 'reload' })) as { meta: { id: string } };

    win.webContents.fire('did-start-loading');
    // Nothing listens on port 1: the job reports its phase, then fails, while the page is loading.
    const { jobId } = await invoke('inventory:start', { projectId: meta.id, source: { destination: '127.0.0.1', port: 1, auth: 'agent', sudo: false }, secrets: {}, remember: false });
    await vi.waitFor(async () => expect(await invoke('job:cancel', { jobId })).toEqual({ cancelled: false }));
    expect(win.webContents.sent).toEqual([]);

    const { delivered } = await invoke('app:ready');
    expect(win.webContents.sent.every((m) => m.channel === EVENT_WIRE)).toBe(true);
    const types = win.webContents.sent.map((m) => ((m.payload as EventEnvelope).payload as { type: string }).type);
    expect(types.length).toBe(delivered);
    expect(types[0]).toBe('phase');
    expect(['failed', 'cancelled']).toContain(types.at(-1));
  });
});
