import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ProjectStore } from '../../../electron/engine/projects/project-store.js';
import { createHandlers, dispatch, type HandlerDeps, type Handlers } from '../../../electron/main/handlers/index.js';
import type { Jobs } from '../../../electron/main/handlers/jobs.js';
import { EventQueue } from '../../../electron/main/event-queue.js';
import { aesEncryptor } from './encryptor.js';
import { initScript } from './init-script.js';
import { staticFiles } from './static-files.js';

export interface E2eHostOptions {
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** Skylift's data directory for this test (projects, known_hosts). */
  dataDir: string;
  /** Where "save" dialogs save: `<exportDir>/<suggested name>`. */
  exportDir: string;
  homeDir?: string;
  awsEndpointUrl?: string;
  runner?: HandlerDeps['runner'];
}

export interface E2eHost {
  url: string;
  /** Inject with `page.addInitScript({ content })` before the page loads. */
  initScript: string;
  /** Every save-dialog request, in order (what the user would have been asked). */
  saveRequests: { title: string; suggestedName: string; folder: boolean; path: string }[];
  /** Pushes an event to the window, as main would (benchmarks stream load with it). */
  emit: EventQueue['push'];
  /** Stops the "main process" (jobs cancelled, handlers dropped) and starts a fresh one on the same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Electron's main process stand-in for end-to-end tests: the real handlers (same dispatch and
 * validation as ipcMain) behind a loopback WebSocket, plus the built renderer over HTTP.
 */
export async function startE2eHost(opts: E2eHostOptions): Promise<E2eHost> {
  const encryptor = aesEncryptor(randomBytes(32));
  const clients = new Set<WebSocket>();
  /** Requests still being handled: closing waits for them, as a quitting app would. */
  const inFlight = new Set<Promise<void>>();
  const saveRequests: E2eHost['saveRequests'] = [];
  let wsOrigin = '';
  // Main's own queue: events wait until a page has said app:ready, as in the app.
  const events = new EventQueue((envelope) => {
    if (clients.size === 0) return false;
    for (const ws of clients) ws.send(JSON.stringify(envelope));
    return true;
  });
  const deps: HandlerDeps = {
    dataDir: opts.dataDir,
    store: new ProjectStore(opts.dataDir),
    encryptor,
    events,
    chooseSaveLocation: async (req) => {
      const path = join(opts.exportDir, req.suggestedName);
      if (req.folder) await mkdir(path, { recursive: true });
      saveRequests.push({ ...req, path });
      return path;
    },
    appInfo: { version: 'e2e', platform: process.platform },
    ...(opts.homeDir ? { homeDir: opts.homeDir } : {}),
    ...(opts.awsEndpointUrl ? { awsEndpointUrl: opts.awsEndpointUrl } : {}),
    ...(opts.runner ? { runner: opts.runner } : {}),
  };
  let current: { handlers: Handlers; jobs: Jobs } = createHandlers(deps);

  const http: Server = createServer(staticFiles(opts.rendererDir, () => wsOrigin));
  const wss = new WebSocketServer({ server: http, path: '/ipc' });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => {
      clients.delete(ws);
      if (clients.size === 0) events.hold();
    });
    ws.on('message', (data) => {
      const { id, channel, payload } = JSON.parse(String(data)) as { id: number; channel: string; payload: unknown };
      const { handlers } = current;
      const done = dispatch(handlers, channel, payload).then((result) => ws.send(JSON.stringify({ id, result })));
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  wsOrigin = `ws://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}/`,
    initScript: initScript(`${wsOrigin}/ipc`),
    saveRequests,
    emit: (event, payload) => events.push(event, payload),
    async restart() {
      for (const ws of clients) ws.terminate();
      await Promise.allSettled([...inFlight]);
      await current.jobs.stopAll();
      current = createHandlers(deps);
    },
    async close() {
      for (const ws of clients) ws.terminate();
      await Promise.allSettled([...inFlight]);
      await current.jobs.stopAll();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
