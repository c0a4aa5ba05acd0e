import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inventoryLocal, probeScript } from '../engine/inventory/run-probe.js';
import { registerIpc } from './ipc.js';
import { createWindow } from './window.js';

// Thin shell: the engine does the work; main only routes validated IPC to it.
const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;

// One instance owns the data directory; a second launch focuses the first.
app.on('second-instance', () => {
  if (win?.isMinimized()) win.restore();
  win?.focus();
});

const menu: MenuItemConstructorOptions[] = [
  { role: process.platform === 'darwin' ? 'appMenu' : 'fileMenu' },
  { role: 'editMenu' },
  { role: 'viewMenu' },
  { role: 'windowMenu' },
];

void app.whenReady().then(() => {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));
  registerIpc({
    'app:info': async () => ({ version: app.getVersion(), platform: process.platform }),
    'inventory:probe-script': async () => probeScript(),
    'inventory:local': async ({ sudo }) => inventoryLocal({ sudo }),
  });
  win = createWindow(appDir);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
