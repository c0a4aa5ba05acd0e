// Sandboxed preload (bundled to CommonJS): one named function per contract channel and one
// subscription per event, nothing more: the page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiName, CHANNELS, EVENT_CHANNELS, EVENT_WIRE, subscribeName, type EventEnvelope } from '../../shared/ipc/contract.js';

const api: Record<string, unknown> = {};
for (const channel of CHANNELS) api[apiName(channel)] = (req: unknown) => ipcRenderer.invoke(channel, req ?? {});
for (const event of EVENT_CHANNELS) {
  api[subscribeName(event)] = (listener: (payload: unknown) => void) => {
    const onWire = (_: IpcRendererEvent, envelope: EventEnvelope) => {
      if (envelope.event === event) listener(envelope.payload);
    };
    ipcRenderer.on(EVENT_WIRE, onWire);
    return () => ipcRenderer.removeListener(EVENT_WIRE, onWire);
  };
}
contextBridge.exposeInMainWorld('skylift', api);
