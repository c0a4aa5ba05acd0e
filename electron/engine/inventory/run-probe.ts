import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import type { Inventory } from '../../../shared/schema/inventory.js';
import { parseProbeOutput } from '../../../shared/inventory/parse-inventory.js';
import { buildProbeScript, MARK, probeCommand } from '../../../shared/inventory/probe-script.js';
import { SECTIONS } from '../../../shared/inventory/sections/index.js';
import type { SshSession } from '../ssh/index.js';

export interface ProbeOptions {
  /** Elevate with `sudo -n` where that needs no password (default true). */
  sudo?: boolean;
  /** Whole-probe deadline; each section also has its own bound on the box. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The exact script Skylift sends to a box (`skylift inventory --show-probe`). */
export const probeScript = (): string => buildProbeScript(SECTIONS);

const DEFAULT_TIMEOUT_MS = 180_000;

function parse(output: string, label: string, transport: Inventory['target']['transport'], started: number): Inventory {
  return parseProbeOutput(output, {
    label,
    transport,
    collectedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  });
}

export interface SectionProgress {
  name: string;
  state: 'running' | 'done';
  done: number;
  total: number;
}

/**
 * Runs the probe on a box: one exec, the script on stdin, never in the command line. The
 * output is read as a stream so `onSection` can report each section as its frame marks arrive.
 */
export async function inventoryOverSsh(
  session: SshSession,
  opts: ProbeOptions & { onSection?: (p: SectionProgress) => void } = {},
): Promise<Inventory> {
  const started = Date.now();
  const total = SECTIONS.length;
  let done = 0;
  let output = '';
  let scanned = 0;
  const stream = session.execStream(probeCommand({ sudo: opts.sudo ?? true }), {
    stdin: probeScript(),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: opts.signal,
  });
  stream.stdout.setEncoding('utf8');
  stream.stdout.on('data', (chunk: string) => {
    output += chunk;
    const end = output.lastIndexOf('\n');
    if (!opts.onSection || end < scanned) return;
    for (const line of output.slice(scanned, end).split('\n')) {
      if (line.startsWith(MARK.begin)) opts.onSection({ name: line.slice(MARK.begin.length).trim(), state: 'running', done, total });
      else if (line.startsWith(MARK.end)) opts.onSection({ name: line.slice(MARK.end.length).trim().split(/\s/)[0] ?? '', state: 'done', done: ++done, total });
    }
    scanned = end + 1;
  });
  const ended = new Promise<void>((resolve) => stream.stdout.once('end', resolve));
  await stream.done;
  await ended;
  return parse(output, session.label, 'ssh', started);
}

/** Runs the probe on this machine, without SSH, exactly as it runs on a box. */
export async function inventoryLocal(opts: ProbeOptions = {}): Promise<Inventory> {
  const started = Date.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', probeCommand({ sudo: opts.sudo ?? true })], {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'ignore'],
      signal: opts.signal,
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    child.stdin.on('error', () => undefined); // the probe may exit before reading all of stdin
    child.stdin.end(probeScript());
  });
  return parse(output, `local (${hostname()})`, 'local', started);
}
