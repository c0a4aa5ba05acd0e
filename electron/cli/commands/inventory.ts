import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import type { Inventory } from '../../../shared/schema/inventory.js';
import { summarizeInventory } from '../../../shared/inventory/summary.js';
import { inventoryLocal, probeScript } from '../../engine/inventory/run-probe.js';

interface InventoryFlags {
  local?: boolean;
  json?: boolean;
  output?: string;
  showProbe?: boolean;
  sudo: boolean;
}

function render(results: Inventory[], json: boolean): string {
  if (json) return JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n';
  return results.map(summarizeInventory).join('\n');
}

export function registerInventory(program: Command): void {
  program
    .command('inventory')
    .description('read what runs on a box, read-only, in one SSH round trip')
    .argument('[targets...]', 'user@host[:port] or ~/.ssh/config aliases; several are inventoried concurrently')
    .option('--local', 'inventory this machine, without SSH')
    .option('--json', 'print the Inventory JSON instead of the summary')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--show-probe', 'print the exact probe script that would run, and exit')
    .option('--no-sudo', 'never elevate with sudo -n, even where it needs no password')
    .action(async (targets: string[], flags: InventoryFlags) => {
      if (flags.showProbe) {
        process.stdout.write(probeScript());
        return;
      }
      if (!flags.local && targets.length === 0) {
        throw Object.assign(new Error('no target given'), { hint: 'name a box (user@host or an ~/.ssh/config alias), or use --local' });
      }
      const results = flags.local ? [await inventoryLocal({ sudo: flags.sudo })] : [];
      const text = render(results, Boolean(flags.json));
      if (flags.output) await writeFile(flags.output, text, { mode: 0o600 });
      else process.stdout.write(text);
    });
}
