import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Inventory, Privilege } from '../../shared/schema/inventory.js';
import { emptyInventory } from '../../shared/inventory/parse-inventory.js';
import { buildProbeScript, probeCommand } from '../../shared/inventory/probe-script.js';
import type { ProbeSection } from '../../shared/inventory/section.js';
import { splitProbeOutput } from '../../shared/inventory/split-output.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/probe');

/** A captured section output from test/fixtures/probe/<section>/<name>.txt. */
export function probeFixture(section: string, name: string): string {
  return readFileSync(resolve(FIXTURES, section, `${name}.txt`), 'utf8');
}

/** One section's parser on its text, over an empty draft: what it adds, and what it could not read. */
export function parseSection(section: ProbeSection, text: string, privilege: Privilege = 'root'): Inventory {
  const draft = emptyInventory('fixture', 'local', '2025-01-06T10:00:00.000Z');
  draft.probe.privilege = privilege;
  section.parse({ name: section.name, text, exitCode: 0, truncated: false }, draft, { privilege, notRead: draft.notRead });
  return draft;
}

/**
 * Runs the real probe for these sections on this machine, as the ssh transport does: the
 * fixed command line under /bin/sh with the script on stdin. `user` runs it as another OS
 * user (through runuser) to see what an unprivileged login gets.
 */
export function runProbe(sections: readonly ProbeSection[], user?: string): Promise<string> {
  const command = probeCommand({ sudo: false });
  const [file, args] = user ? ['runuser', ['-u', user, '--', '/bin/sh', '-c', command]] : ['/bin/sh', ['-c', command]];
  return new Promise((resolveOut, reject) => {
    const child = spawn(file, args, { env: { ...process.env, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolveOut(out));
    child.stdin.end(buildProbeScript(sections));
  });
}

/** The probe's output parsed by just these sections (the local harness: split, empty draft, parse). */
export function parseProbe(output: string, sections: readonly ProbeSection[]): Inventory {
  const { meta, sections: raw } = splitProbeOutput(output);
  const privilege: Privilege = meta.uid === 0 ? 'root' : 'user';
  const draft = emptyInventory('local', 'local', new Date().toISOString());
  draft.probe = { user: meta.user, privilege, durationMs: null, sections: [] };
  for (const s of sections) {
    const r = raw.get(s.name);
    if (!r) throw new Error(`section ${s.name} printed nothing`);
    draft.probe.sections.push({ name: s.name, status: r.exitCode === 0 ? 'ok' : 'error', exitCode: r.exitCode, truncated: r.truncated });
    s.parse(r, draft, { privilege, notRead: draft.notRead });
  }
  return draft;
}
