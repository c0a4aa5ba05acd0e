import type { Plan } from '../../../shared/schema/plan.js';
import { runnerHome } from '../../../electron/engine/projects/cutover-state.js';
import { ProjectStore } from '../../../electron/engine/projects/project-store.js';
import { Journal, migrationDir } from '../../../electron/engine/runner/journal.js';
import { EventQueue } from '../../../electron/main/event-queue.js';
import type { HandlerDeps } from '../../../electron/main/handlers/index.js';
import { aesEncryptor } from '../../support/e2e-host/encryptor.js';

/** What the handlers need, on a data folder of the test's own; events go nowhere. */
export function handlerDeps(dataDir: string, extra: Partial<HandlerDeps> = {}): HandlerDeps {
  return { dataDir, store: new ProjectStore(dataDir), encryptor: aesEncryptor(), events: new EventQueue(() => true), chooseSaveLocation: async () => null, appInfo: { version: 't', platform: 'linux' }, ...extra };
}

/** Writes the journal a cutover leaves behind once these steps are done. */
export function journalDone(projectDir: string, plan: Plan, steps: string[]): void {
  const journal = Journal.open(migrationDir(plan.migration.name, runnerHome(projectDir)));
  journal.append({ type: 'migration', schemaVersion: 1, id: plan.migration.name, planHash: 'h', region: plan.migration.region, account: '123456789012', endpoint: null });
  journal.append({ type: 'run', mode: 'apply', pid: 1, host: 'test', options: {} });
  for (const step of steps) {
    journal.append({ type: 'step', event: 'start', step, error: null, hint: null });
    journal.append({ type: 'step', event: 'done', step, error: null, hint: null });
  }
  journal.close();
}
