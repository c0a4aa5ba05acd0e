import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fakeElectron } from './fake-electron.js';

const fake = fakeElectron();
vi.mock('electron', () => fake.module);
const { createWindow } = await import('../../../electron/main/window.js');

describe('window factory', () => {
  beforeEach(() => {
    FakeBrowserWindow.created = [];
    fake.state.external = [];
  });

  it('isolates and sandboxes the page, with no Node and no webviews', () => {
    const win = createWindow('/app') as unknown as FakeBrowserWindow;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      preload: '/app/dist/preload.cjs',
    });
    expect(win.loaded).toBe('/app/dist/renderer/index.html');
  });

  it('refuses new windows (https links go to the browser), navigation, redirects, webviews and permissions', () => {
    const win = createWindow('/app') as unknown as FakeBrowserWindow;
    const wc = win.webContents;
    expect(wc.windowOpenHandler?.({ url: 'https://docs.aws.amazon.com/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fake.state.external).toEqual(['https://docs.aws.amazon.com/']);
    expect(wc.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(wc.fire('will-attach-webview', {}, {})).toBe(true);
    const answers: boolean[] = [];
    wc.permissionHandler?.(wc, 'media', (granted) => answers.push(granted));
    wc.permissionHandler?.(wc, 'notifications', (granted) => answers.push(granted));
    expect(answers).toEqual([false, false]);
  });
});
