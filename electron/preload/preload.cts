// Sandboxed preload (bundled to CommonJS): one named function per contract channel, nothing more.
import { contextBridge, ipcRenderer } from 'electron';
import { apiName, CHANNELS } from '../../shared/ipc/contract.js';

const api: Record<string, (req: unknown) => Promise<unknown>> = {};
for (const channel of CHANNELS) api[apiName(channel)] = (req) => ipcRenderer.invoke(channel, req ?? {});
contextBridge.exposeInMainWorld('skylift', api);
