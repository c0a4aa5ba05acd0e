import { z } from 'zod';
import { Inventory } from '../schema/inventory.js';

/**
 * The one IPC contract: each channel's request and reply schema. Main validates every payload
 * against it; the preload exposes one named function per channel and nothing else.
 */
export const IPC = {
  'app:info': {
    request: z.object({}).strict(),
    reply: z.object({ version: z.string(), platform: z.string() }),
  },
  'inventory:probe-script': {
    request: z.object({}).strict(),
    reply: z.string(),
  },
  'inventory:local': {
    request: z.object({ sudo: z.boolean() }).strict(),
    reply: Inventory,
  },
} as const;

export type Channel = keyof typeof IPC;
export type IpcRequest<C extends Channel> = z.input<(typeof IPC)[C]['request']>;
export type IpcReply<C extends Channel> = z.output<(typeof IPC)[C]['reply']>;

/** Channel names as the preload's function names: 'inventory:local' → inventoryLocal. */
export function apiName(channel: string): string {
  return channel.replace(/[:-](\w)/g, (_, c: string) => c.toUpperCase());
}

export const CHANNELS = Object.keys(IPC) as Channel[];

type CamelName<S extends string> = S extends `${infer A}${':' | '-'}${infer B}` ? `${A}${Capitalize<CamelName<B>>}` : S;

/** What the renderer sees as `window.skylift`. */
export type SkyliftApi = { [C in Channel as CamelName<C>]: (req: IpcRequest<C>) => Promise<IpcReply<C>> };
