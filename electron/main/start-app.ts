import { app, BrowserWindow, Menu, safeStorage, type MenuItemConstructorOptions } from 'electron';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '../engine/paths.js';
import { ProjectStore } from '../engine/projects/project-store.js';
import { createHandlers } from './handlers/index.js';
import { EventQueue } from './event-queue.js';
import { deliverTo, registerIpc } from './ipc.js';
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
  const events = new EventQueue((envelope) => deliverTo(win?.webContents, envelope));
  // A page that loads (or reloads) is not listening yet: its events wait for its app:ready.
  const openWindow = (): BrowserWindow => {
    const created = createWindow(appDir);
    created.webContents.on('did-start-loading', () => events.hold());
    created.on('closed', () => {
      events.hold();
      void jobs.stopAll();
      win = undefined;
    });
    return created;
  };
  const { handlers, jobs } = createHandlers({
    dataDir: dir,
    store: new ProjectStore(dir),
    encryptor: safeStorage,
    events,
    chooseSaveLocation: (req) => chooseSaveLocation(win, req),
    appInfo: { version: app.getVersion(), platform: process.platform },
  });
  void app.whenReady().then(() => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenu(process.platform)));
    registerIpc(handlers);
    win = openWindow();
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
    if (BrowserWindow.getAllWindows().length === 0) win = openWindow();
  });
}
