import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import { cutoverHandlers } from './cutover.js';
import { designHandlers } from './design.js';
import { doctorHandlers } from './doctor.js';
import { exportHandlers } from './export.js';
import { inventoryHandlers } from './inventory.js';
import { Jobs } from './jobs.js';
import { projectHandlers } from './projects.js';
import { rollbackHandlers } from './rollback.js';
import { settingsHandlers } from './settings.js';
import { sshHostHandlers } from './ssh-hosts.js';
import { targetHandlers } from './target.js';

export type { HandlerDeps } from './deps.js';
export { dispatch, type Handlers } from './dispatch.js';

/** Every channel's handler over the engine; the same functions serve Electron and the e2e host. */
export function createHandlers(deps: HandlerDeps): { handlers: Handlers; jobs: Jobs } {
  const jobs = new Jobs((event) => deps.events.push('job:event', event));
  const handlers: Handlers = {
    'app:info': async () => deps.appInfo,
    'app:ready': async () => ({ delivered: deps.events.ready() }),
    ...projectHandlers(deps),
    ...sshHostHandlers(deps),
    ...inventoryHandlers(deps, jobs),
    'job:cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'job:answer': async ({ promptId, yes }) => ({ known: jobs.answer(promptId, yes) }),
    ...cutoverHandlers(deps, jobs),
    ...rollbackHandlers(deps, jobs),
    ...doctorHandlers(deps, jobs),
    ...settingsHandlers(deps),
    ...targetHandlers(deps),
    ...designHandlers(deps),
    ...exportHandlers(deps),
  };
  return { handlers, jobs };
}
