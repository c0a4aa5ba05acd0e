import type { Inventory, NotRead, Privilege } from '../schema/inventory.js';

/**
 * One part of the probe: a POSIX sh body run on the box under its own time bound, and the
 * pure parser for what it printed. Bodies print to stdout only (stderr is discarded) and
 * never write, start or change anything on the box.
 */
export interface ProbeSection {
  name: string;
  timeoutSeconds: number;
  /** Shell text; it runs after the prelude (see probe-script.ts) in a fresh `sh -c`. */
  script: string;
  /**
   * Fills this section's part of the draft. Pure and total: never throws, whatever `raw.text`
   * holds; what could not be read goes to `ctx.notRead` with the reason.
   */
  parse(raw: RawSection, draft: Inventory, ctx: ParseContext): void;
}

export interface RawSection {
  name: string;
  text: string;
  exitCode: number | null;
  truncated: boolean;
}

export interface ParseContext {
  privilege: Privilege;
  notRead: NotRead[];
}
