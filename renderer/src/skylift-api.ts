import type { Channel, IpcReply, IpcRequest, SkyliftApi } from '../../shared/ipc/contract.js';
import type { JobEvent, UiError } from '../../shared/ipc/events.js';

declare global {
  interface Window {
    skylift: SkyliftApi;
  }
}

/** A failed request, carrying what the user can do next. */
export class RequestFailed extends Error {
  constructor(readonly ui: UiError) {
    super(ui.message);
  }
}

type CamelName<S extends string> = S extends `${infer A}${':' | '-'}${infer B}` ? `${A}${Capitalize<CamelName<B>>}` : S;
const camel = (channel: string): string => channel.replace(/[:-](\w)/g, (_, c: string) => c.toUpperCase());

/** Calls main through the preload's named function; a failure throws RequestFailed. */
export async function call<C extends Channel>(channel: C, req: IpcRequest<C>): Promise<IpcReply<C>> {
  const fn = window.skylift?.[camel(channel) as CamelName<C> & keyof SkyliftApi] as unknown as ((r: IpcRequest<C>) => Promise<{ ok: true; value: IpcReply<C> } | { ok: false; error: UiError }>) | undefined;
  if (!fn) throw new RequestFailed({ code: 'NO_BRIDGE', message: 'this window is not connected to Skylift', hint: 'start Skylift with npm start (the page does nothing on its own)' });
  const result = await fn(req);
  if (!result.ok) throw new RequestFailed(result.error);
  return result.value;
}

export const onJobEvent = (listener: (event: JobEvent) => void): (() => void) => window.skylift?.onJobEvent(listener) ?? (() => undefined);

/** Any thrown value as a UiError (a bug in the page included, without its stack). */
export function asUiError(err: unknown): UiError {
  if (err instanceof RequestFailed) return err.ui;
  return { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err), hint: 'try again; if it happens again, restart Skylift' };
}
