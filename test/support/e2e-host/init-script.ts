import { apiName, CHANNELS, EVENT_CHANNELS, subscribeName } from '../../../shared/ipc/contract.js';

/**
 * The page-side half of the loopback channel, injected before the app's scripts: the same
 * named functions the preload exposes (names from the contract), each a request over a
 * WebSocket to the host, which validates and dispatches it exactly as Electron's main does.
 * A string, not a function, so no test-runner transform ends up in the page.
 */
export function initScript(wsUrl: string): string {
  const channels = CHANNELS.map((channel) => ({ channel, name: apiName(channel) }));
  const events = EVENT_CHANNELS.map((event) => ({ event, name: subscribeName(event) }));
  return `(() => {
  const wsUrl = ${JSON.stringify(wsUrl)};
  const channels = ${JSON.stringify(channels)};
  const events = ${JSON.stringify(events)};
  const pending = new Map();
  const listeners = new Map(events.map((e) => [e.event, new Set()]));
  let ws = null;
  let open = null;
  let next = 0;
  const gone = { ok: false, error: { code: 'DISCONNECTED', message: 'Skylift stopped answering', hint: 'restart Skylift; your project is saved' } };
  function connect() {
    ws = new WebSocket(wsUrl);
    open = new Promise((resolve) => {
      ws.onopen = () => resolve(true);
      ws.onerror = () => resolve(false);
    });
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.id !== undefined) {
        pending.get(msg.id)?.(msg.result);
        pending.delete(msg.id);
      } else {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
      }
    };
    ws.onclose = () => {
      for (const resolve of pending.values()) resolve(gone);
      pending.clear();
    };
  }
  connect();
  const api = {};
  for (const { channel, name } of channels) {
    api[name] = async (req) => {
      if (ws.readyState > 1) connect();
      if (!(await open)) return gone;
      const id = ++next;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, payload: req === undefined ? {} : req }));
      });
    };
  }
  for (const { event, name } of events) {
    api[name] = (listener) => {
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    };
  }
  Object.defineProperty(window, 'skylift', { value: Object.freeze(api) });
})();`;
}
