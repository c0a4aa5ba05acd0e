import { EventEmitter } from 'node:events';

/**
 * A small fake of the Electron modules the main-process shell uses: it records what the shell
 * asked for so the tests can check the security settings and routing. Used only in test/unit/main.
 */

type Listener = (...args: unknown[]) => void;

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  permissionHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  sent: { channel: string; payload: unknown }[] = [];
  destroyed = false;
  session = { setPermissionRequestHandler: (h: FakeWebContents['permissionHandler']) => (this.permissionHandler = h) };
  setWindowOpenHandler(h: FakeWebContents['windowOpenHandler']) {
    this.windowOpenHandler = h;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Emits like Electron: returns whether a listener called preventDefault. */
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  static getAllWindows = () => FakeBrowserWindow.created;
  webContents = new FakeWebContents();
  loaded: string | null = null;
  focused = 0;
  restored = 0;
  minimized = false;
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadFile(path: string) {
    this.loaded = path;
    return Promise.resolve();
  }
  show() {}
  focus() {
    this.focused++;
  }
  restore() {
    this.restored++;
  }
  isMinimized() {
    return this.minimized;
  }
}

export function fakeElectron() {
  const handlers = new Map<string, Listener>();
  const appEvents = new EventEmitter();
  let ready: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const state = { lock: true, quit: 0, menu: null as unknown, external: [] as string[] };
  return {
    state,
    handlers,
    /** Resolves app.whenReady(), as Electron does once it has started. */
    ready: () => ready(),
    module: {
      app: {
        requestSingleInstanceLock: () => state.lock,
        quit: () => void state.quit++,
        on: (event: string, l: Listener) => appEvents.on(event, l),
        emit: (event: string, ...args: unknown[]) => appEvents.emit(event, ...args),
        whenReady: () => readyPromise,
        getVersion: () => '0.1.0-test',
        getPath: (name: string) => `/fake/${name}`,
      },
      BrowserWindow: FakeBrowserWindow,
      ipcMain: { handle: (channel: string, l: Listener) => handlers.set(channel, l) },
      Menu: { buildFromTemplate: (t: unknown) => ({ template: t }), setApplicationMenu: (m: unknown) => (state.menu = m) },
      shell: { openExternal: (url: string) => (state.external.push(url), Promise.resolve()) },
      safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
      dialog: { showSaveDialog: () => Promise.resolve({ canceled: true }) },
    },
  };
}
