import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import type { Inventory } from '../../../shared/schema/inventory.js';
import { summarizeInventory } from '../../../shared/inventory/summary.js';
import { inventoryLocal, inventoryOverSsh, probeScript } from '../../engine/inventory/run-probe.js';
import { connect } from '../../engine/ssh/index.js';
import { reportError } from '../report-error.js';
import { addSshOptions, sshConnectOptions, type SshFlags } from '../ssh-options.js';

interface InventoryFlags extends SshFlags {
  local?: boolean;
  json?: boolean;
  output?: string;
  showProbe?: boolean;
  sudo: boolean;
}

type Outcome = { target: string; inventory: Inventory } | { target: string; error: unknown };

async function inventoryTarget(target: string, flags: InventoryFlags): Promise<Inventory> {
  const session = await connect(await sshConnectOptions(target, flags));
  try {
    return await inventoryOverSsh(session, { sudo: flags.sudo });
  } finally {
    await session.close();
  }
}

function errorJson(err: unknown): { message: string; code?: string; hint?: string } {
  const e = err as { message?: unknown; code?: unknown; hint?: unknown };
  return {
    message: typeof e.message === 'string' ? e.message : String(err),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
  };
}

function render(outcomes: Outcome[], json: boolean): string {
  if (json) {
    const docs = outcomes.map((o) => ('inventory' in o ? o.inventory : { target: o.target, error: errorJson(o.error) }));
    return JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n';
  }
  return outcomes.flatMap((o) => ('inventory' in o ? [summarizeInventory(o.inventory)] : [])).join('\n');
}

export function registerInventory(program: Command): void {
  addSshOptions(
    program
      .command('inventory')
      .description('read what runs on a box, read-only, in one SSH round trip')
      .argument('[targets...]', 'user@host[:port] or ~/.ssh/config aliases; several are inventoried concurrently')
      .option('--local', 'inventory this machine, without SSH')
      .option('--json', 'print the Inventory JSON instead of the summary')
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .option('--show-probe', 'print the exact probe script that would run, and exit')
      .option('--no-sudo', 'never elevate with sudo -n, even where it needs no password'),
  ).action(async (targets: string[], flags: InventoryFlags) => {
    if (flags.showProbe) {
      process.stdout.write(probeScript());
      return;
    }
    if (!flags.local && targets.length === 0) {
      throw Object.assign(new Error('no target given'), { hint: 'name a box (user@host or an ~/.ssh/config alias), or use --local' });
    }
    const outcomes: Outcome[] = flags.local
      ? [{ target: 'local', inventory: await inventoryLocal({ sudo: flags.sudo }) }]
      : await Promise.all(
          targets.map((target) =>
            inventoryTarget(target, flags).then(
              (inventory): Outcome => ({ target, inventory }),
              (error: unknown): Outcome => ({ target, error }),
            ),
          ),
        );
    for (const o of outcomes) {
      if ('error' in o) {
        process.stderr.write(`${o.target}: `);
        process.exitCode = reportError(o.error);
      }
    }
    const text = render(outcomes, Boolean(flags.json));
    if (flags.output) await writeFile(flags.output, text, { mode: 0o600 });
    else process.stdout.write(text);
  });
}
