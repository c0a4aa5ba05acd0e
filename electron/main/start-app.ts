import { app, BrowserWindow, Menu, safeStorage, type MenuItemConstructorOptions } from 'electron';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '../engine/paths.js';
import { ProjectStore } from '../engine/projects/project-store.js';
import { createHandlers } from './handlers/index.js';
import { registerIpc, sendEvent } from './ipc.js';
import { chooseSaveLocation } from './save-dialog.js';
import { createWindow } from './window.js';

// Thin shell: the engine does the work; main only routes validated IPC to it.
const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

let win: BrowserWindow | undefined;

export const appMenu = (platform: NodeJS.Platform): MenuItemConstructorOptions[] => [
  { role: platform === 'darwin' ? 'appMenu' : 'fileMenu' },
  { role: 'editMenu' },
  { role: 'viewMenu' },
  { role: 'windowMenu' },
];

/** Starts the app: one instance owns the data directory; a second launch focuses the first. */
export function startApp(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  const dir = process.env.SKYLIFT_HOME ?? dataDir();
  const { handlers, jobs } = createHandlers({
    dataDir: dir,
    store: new ProjectStore(dir),
    encryptor: safeStorage,
    emit: (event, payload) => sendEvent(win?.webContents, event, payload),
    chooseSaveLocation: (req) => chooseSaveLocation(win, req),
    appInfo: { version: app.getVersion(), platform: process.platform },
  });
  void app.whenReady().then(() => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenu(process.platform)));
    registerIpc(handlers);
    win = createWindow(appDir);
    win.on('closed', () => {
      void jobs.stopAll();
      win = undefined;
    });
  });
  // A cutover step in flight is journaled either way; stopping it first releases its lock cleanly.
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    void jobs.stopAll().finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow(appDir);
  });
}
