import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, EVENT_WIRE, type EventEnvelope } from '../../shared/ipc/contract.js';
import { dispatch, type Handlers } from './handlers/index.js';

/** Only the app's own top frame, loaded from disk, may call main. */
export function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && frame.url.startsWith('file://');
}

/** Registers every channel of the contract; each payload is validated before any handler runs. */
export function registerIpc(handlers: Handlers): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!trustedSender(event)) {
        return { ok: false, error: { code: 'UNTRUSTED_SENDER', message: `refused ${channel}: the request did not come from Skylift's own window`, hint: 'restart Skylift' } };
      }
      return dispatch(handlers, channel, payload);
    });
  }
}

/** Sends a checked event to the window (the EventQueue's delivery); false when there is no page to take it. */
export function deliverTo(contents: WebContents | undefined, envelope: EventEnvelope): boolean {
  if (!contents || contents.isDestroyed()) return false;
  contents.send(EVENT_WIRE, envelope);
  return true;
}
