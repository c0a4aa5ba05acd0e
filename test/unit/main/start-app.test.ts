import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../../shared/ipc/contract.js';
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
});
