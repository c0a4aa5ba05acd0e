import type { z } from 'zod';
import { IPC, type Channel, type IpcReply, type IpcResult } from '../../../shared/ipc/contract.js';
import { toUiError } from './ui-error.js';

export type Handlers = { [C in Channel]: (req: z.output<(typeof IPC)[C]['request']>) => Promise<IpcReply<C>> };

const isChannel = (name: string): name is Channel => Object.hasOwn(IPC, name);

/**
 * One request through the contract: the payload is validated before any handler runs and the
 * reply after; every failure becomes a UiError. Electron's ipcMain and the e2e host both use it.
 */
export async function dispatch(handlers: Handlers, channel: string, payload: unknown): Promise<IpcResult<unknown>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no such request: ${channel}`, hint: 'the window and the app are out of step: restart Skylift' } };
  const parsed = IPC[channel].request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: { code: 'INVALID_REQUEST', message: `${where}${issue?.message ?? 'invalid request'}`, hint: 'correct the field and try again' } };
  }
  try {
    const reply = await (handlers[channel] as (req: unknown) => Promise<unknown>)(parsed.data);
    return { ok: true, value: IPC[channel].reply.parse(reply) };
  } catch (err) {
    return { ok: false, error: toUiError(err) };
  }
}
