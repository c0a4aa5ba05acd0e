import type { SkyliftApi } from '../../shared/ipc/contract.js';

declare global {
  interface Window {
    skylift: SkyliftApi;
  }
}

/** The preload's API: the only way the renderer reaches the engine. */
export const api = (): SkyliftApi => window.skylift;
