import type { Json } from '../../../shared/runner/jmespath.js';
import type { Run } from '../runner/run.js';
import { directConnect, handshake } from './handshake.js';

type Obj = Record<string, Json>;

/** The runner's `socketio` check: the WebSocket handshake answers `expect.websocket` (101), and the echo event round-trips when `expect.echo`. */
export async function socketIoCheck(run: Run, target: Obj, expect: Obj): Promise<{ ok: boolean; detail: string }> {
  const url = String(target.url);
  const event = typeof target.echoEvent === 'string' ? target.echoEvent : null;
  const h = await handshake(url, { connect: run.opts.connect ?? directConnect, echoEvent: expect.echo === true ? event : null, timeoutMs: Math.max(1000, run.scaled(30_000)) });
  const wsOk = h.websocket.status === Number(expect.websocket ?? 101) && h.websocket.upgraded;
  const echoOk = expect.echo !== true || h.echo?.ok === true;
  const detail = `${url}: WebSocket ${h.websocket.upgraded ? '101 Switching Protocols' : (h.websocket.error ?? 'failed')}${h.echo ? `, echo: ${h.echo.detail}` : ''}`;
  return { ok: wsOk && echoOk, detail };
}
