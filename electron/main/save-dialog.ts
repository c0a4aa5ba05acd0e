import { app, dialog, type BrowserWindow } from 'electron';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SaveLocationRequest } from './handlers/deps.js';

/** Electron's save dialog; a folder export creates the folder the user named. */
export async function chooseSaveLocation(win: BrowserWindow | undefined, req: SaveLocationRequest): Promise<string | null> {
  const options = {
    title: req.title,
    defaultPath: join(app.getPath('documents'), req.suggestedName),
    properties: ['createDirectory', 'showOverwriteConfirmation'] as ('createDirectory' | 'showOverwriteConfirmation')[],
  };
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  if (req.folder) await mkdir(result.filePath, { recursive: true });
  return result.filePath;
}
