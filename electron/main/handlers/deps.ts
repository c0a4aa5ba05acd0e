import type { StringEncryptor } from '../../engine/aws/credential-store.js';
import type { ProjectStore } from '../../engine/projects/project-store.js';
import type { RunnerOptions } from '../../engine/runner/run.js';
import type { EventQueue } from '../event-queue.js';

/** Where an export goes: Electron's save dialog in the app, a folder the test picks in the e2e host. */
export interface SaveLocationRequest {
  title: string;
  suggestedName: string;
  /** A folder to create (several files) rather than one file. */
  folder: boolean;
}

/** Everything the handlers need from their host; none of it is Electron itself. */
export interface HandlerDeps {
  dataDir: string;
  store: ProjectStore;
  /** Electron's safeStorage in the app. */
  encryptor: StringEncryptor;
  /** Events to the window, held until its page listens. */
  events: Pick<EventQueue, 'push' | 'ready'>;
  chooseSaveLocation(req: SaveLocationRequest): Promise<string | null>;
  appInfo: { version: string; platform: string };
  /** Base for ~/.ssh (config, keys, known_hosts); default the OS home. */
  homeDir?: string;
  /** Every AWS call goes here instead of AWS (a VPC endpoint proxy; the AWS double in tests). */
  awsEndpointUrl?: string;
  /** How the cutover reaches new load balancers and paces its waits (a proxy in the field; the AWS double's clock in tests). */
  runner?: Pick<RunnerOptions, 'timeScale' | 'connect'>;
}
