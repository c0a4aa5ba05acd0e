import type { Inventory } from '../../../shared/schema/inventory.js';
import { parseProbeOutput } from '../../../shared/inventory/parse-inventory.js';
import { MARK, probeCommand } from '../../../shared/inventory/probe-script.js';
import { SECTIONS } from '../../../shared/inventory/sections/index.js';
import { probeScript } from '../../engine/inventory/run-probe.js';
import type { SshSession } from '../../engine/ssh/index.js';

export interface SectionProgress {
  name: string;
  state: 'running' | 'done';
  done: number;
  total: number;
}

const PROBE_TIMEOUT_MS = 180_000;

/**
 * The same probe as `inventoryOverSsh`, read as a stream so the window can show each section
 * start and finish as the box prints its frame marks.
 */
export async function probeWithProgress(session: SshSession, opts: { sudo: boolean; signal: AbortSignal; onSection(p: SectionProgress): void }): Promise<Inventory> {
  const started = Date.now();
  const total = SECTIONS.length;
  let done = 0;
  let output = '';
  let scanned = 0;
  const stream = session.execStream(probeCommand({ sudo: opts.sudo }), { stdin: probeScript(), timeoutMs: PROBE_TIMEOUT_MS, signal: opts.signal });
  stream.stdout.setEncoding('utf8');
  stream.stdout.on('data', (chunk: string) => {
    output += chunk;
    const end = output.lastIndexOf('\n');
    if (end < scanned) return;
    for (const line of output.slice(scanned, end).split('\n')) {
      if (line.startsWith(MARK.begin)) opts.onSection({ name: line.slice(MARK.begin.length).trim(), state: 'running', done, total });
      else if (line.startsWith(MARK.end)) opts.onSection({ name: line.slice(MARK.end.length).trim().split(/\s/)[0] ?? '', state: 'done', done: ++done, total });
    }
    scanned = end + 1;
  });
  const ended = new Promise<void>((resolve) => stream.stdout.once('end', resolve));
  await stream.done;
  await ended;
  return parseProbeOutput(output, { label: session.label, transport: 'ssh', collectedAt: new Date(started).toISOString(), durationMs: Date.now() - started });
}
