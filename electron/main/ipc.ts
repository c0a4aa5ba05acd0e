import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC, type Channel, type IpcReply, type IpcRequest } from '../../shared/ipc/contract.js';

export type Handlers = { [C in Channel]: (req: IpcRequest<C>) => Promise<IpcReply<C>> };

/** Only the app's own top frame, loaded from disk, may call main. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && frame.url.startsWith('file://');
}

/** Registers every channel of the contract; each payload is validated before any handler runs. */
export function registerIpc(handlers: Handlers): void {
  for (const channel of Object.keys(IPC) as Channel[]) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!trustedSender(event)) throw new Error(`refused ${channel}: untrusted sender`);
      const request = IPC[channel].request.parse(payload ?? {});
      const reply = await (handlers[channel] as (r: unknown) => Promise<unknown>)(request);
      return IPC[channel].reply.parse(reply);
    });
  }
}
