import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { io } from 'socket.io-client';
import type { EchoResult, HandshakeFacts, PollingHandshake, WebSocketHandshake } from '../../../shared/doctor/facts.js';

/** Opens the TCP connection to host:port (straight, through a proxy tunnel, or a test resolver). */
export type Connector = (host: string, port: number) => Promise<Socket>;

export const directConnect: Connector = (host, port) =>
  new Promise((resolve, reject) => {
    const socket = netConnect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });

export interface HandshakeOptions {
  connect?: Connector;
  timeoutMs?: number;
  /** A Socket.IO event the app echoes back (acknowledges with, or emits back, what it got). */
  echoEvent?: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** The Engine.IO endpoint for a URL: its own path when it names socket.io, else `/socket.io/`. */
export function engineUrl(raw: string, transport: 'polling' | 'websocket'): URL {
  const url = new URL(raw);
  if (!url.pathname.includes('socket.io')) url.pathname = '/socket.io/';
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'https:' : 'http:';
  url.searchParams.set('EIO', '4');
  url.searchParams.set('transport', transport);
  return url;
}

const secure = (url: URL) => url.protocol === 'https:';
const portOf = (url: URL) => Number(url.port || (secure(url) ? 443 : 80));

/** An http.Agent whose sockets come from the connector (TLS on top for https). */
export function connectorAgent(connect: Connector, tls: boolean, servername: string): Agent {
  // https.request and wss refuse an http.Agent ("Protocol "https:" not supported").
  const agent = tls ? new HttpsAgent({ keepAlive: false }) : new Agent({ keepAlive: false });
  // Node's agent accepts the callback form of createConnection; its types only show the synchronous one.
  const create = (options: { host?: string; port?: number | string }, done: (err: Error | null, socket?: Socket) => void) => {
    connect(options.host ?? servername, Number(options.port)).then(
      (raw) => done(null, tls ? tlsConnect({ socket: raw, servername }) : raw),
      (err: Error) => done(err),
    );
    return undefined;
  };
  return Object.assign(agent, { createConnection: create as unknown as Agent['createConnection'] });
}

function send(url: URL, headers: Record<string, string>, opts: Required<Pick<HandshakeOptions, 'connect' | 'timeoutMs'>>): Promise<{ status: number; body: string; upgraded: boolean }> {
  return new Promise((resolve, reject) => {
    const agent = connectorAgent(opts.connect, secure(url), url.hostname);
    const req: ClientRequest = (secure(url) ? httpsRequest : httpRequest)(url, { method: 'GET', headers, agent, timeout: opts.timeoutMs });
    req.on('upgrade', (res: IncomingMessage, socket: Socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '', upgraded: true });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body = (body + d).slice(0, 4096)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, upgraded: false }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The Engine.IO polling handshake: `0{"sid":…,"pingInterval":…}` on success. */
export async function pollingHandshake(raw: string, opts: Required<Pick<HandshakeOptions, 'connect' | 'timeoutMs'>>): Promise<PollingHandshake> {
  const empty: PollingHandshake = { status: null, opened: false, pingIntervalMs: null, pingTimeoutMs: null, upgrades: [], refused: false, error: null };
  try {
    const r = await send(engineUrl(raw, 'polling'), { accept: '*/*' }, opts);
    const open = r.status === 200 && r.body.startsWith('0') ? (JSON.parse(r.body.slice(1)) as { sid?: string; upgrades?: string[]; pingInterval?: number; pingTimeout?: number }) : null;
    return {
      ...empty,
      status: r.status,
      opened: Boolean(open?.sid),
      pingIntervalMs: open?.pingInterval ?? null,
      pingTimeoutMs: open?.pingTimeout ?? null,
      upgrades: open?.upgrades ?? [],
      refused: r.status === 400 && /Transport unknown/i.test(r.body),
      error: open ? null : `answered ${r.status}${r.body ? `: ${r.body.slice(0, 120).trim()}` : ''}`,
    };
  } catch (err) {
    return { ...empty, error: (err as Error).message };
  }
}

/** A WebSocket upgrade on the Engine.IO websocket transport: 101 when everything on the way passes it. */
export async function websocketHandshake(raw: string, opts: Required<Pick<HandshakeOptions, 'connect' | 'timeoutMs'>>): Promise<WebSocketHandshake> {
  try {
    const r = await send(engineUrl(raw, 'websocket'), { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') }, opts);
    return { status: r.status, upgraded: r.upgraded && r.status === 101, error: r.upgraded ? null : `answered ${r.status} instead of 101${r.body ? `: ${r.body.slice(0, 120).trim()}` : ''}` };
  } catch (err) {
    return { status: null, upgraded: false, error: (err as Error).message };
  }
}

/** A real Socket.IO client over the websocket transport: emits a nonce and waits for it to come back (ack or the same event). */
export function echoRoundTrip(raw: string, event: string, opts: Required<Pick<HandshakeOptions, 'connect' | 'timeoutMs'>>): Promise<EchoResult> {
  const url = new URL(raw);
  const path = url.pathname.includes('socket.io') ? url.pathname : '/socket.io/';
  const nonce = randomUUID();
  const client = io(`${url.protocol}//${url.host}`, {
    path,
    transports: ['websocket'],
    reconnection: false,
    timeout: opts.timeoutMs,
    agent: connectorAgent(opts.connect, secure(engineUrl(raw, 'websocket')), url.hostname) as unknown as string,
  });
  return new Promise<EchoResult>((resolve) => {
    const done = (ok: boolean, detail: string) => {
      clearTimeout(timer);
      client.close();
      resolve({ event, ok, detail });
    };
    const timer = setTimeout(() => done(false, `no echo of "${event}" within ${opts.timeoutMs} ms`), opts.timeoutMs);
    const check = (value: unknown) => (JSON.stringify(value ?? null).includes(nonce) ? done(true, `"${event}" round-tripped`) : done(false, `"${event}" came back with something else`));
    client.on('connect_error', (err) => done(false, `could not connect: ${err.message}`));
    client.on(event, check);
    client.on('connect', () => client.emit(event, nonce, check));
  });
}

/** Polling and websocket handshakes against one URL, then the echo when an event is named. */
export async function handshake(url: string, opts: HandshakeOptions = {}): Promise<HandshakeFacts> {
  const o = { connect: opts.connect ?? directConnect, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  const polling = await pollingHandshake(url, o);
  const websocket = await websocketHandshake(url, o);
  const echo = opts.echoEvent ? (websocket.upgraded ? await echoRoundTrip(url, opts.echoEvent, o) : { event: opts.echoEvent, ok: false, detail: 'not tried: the WebSocket handshake failed' }) : null;
  return { url, polling, websocket, echo };
}
