import { BrowserWindow, shell } from 'electron';
import { join } from 'node:path';

/**
 * The one window factory: isolated, sandboxed, no Node in the page; new windows and
 * navigation away from the app are refused (external links open in the browser).
 */
export function createWindow(appDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Skylift',
    webPreferences: {
      preload: join(appDir, 'dist', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadFile(join(appDir, 'dist', 'renderer', 'index.html'));
  return win;
}
