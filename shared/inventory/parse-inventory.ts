import { INVENTORY_SCHEMA_VERSION, type Inventory, type Privilege, type SectionReport } from '../schema/inventory.js';
import { linkInventory } from './link.js';
import type { ParseContext, ProbeSection } from './section.js';
import { SECTIONS } from './sections/index.js';
import { splitProbeOutput } from './split-output.js';

export function emptyInventory(label: string, transport: Inventory['target']['transport'], collectedAt: string): Inventory {
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    target: { label, transport },
    collectedAt,
    probe: { user: null, privilege: 'user', durationMs: null, sections: [] },
    host: {
      hostname: null,
      provider: { name: 'unknown', evidence: [] },
      os: { id: null, name: null, versionId: null, prettyName: null },
      kernel: null,
      arch: null,
      cpus: null,
      memoryBytes: null,
      swapBytes: null,
      loadAverage: null,
      uptimeSeconds: null,
      timezone: null,
      mounts: [],
    },
    runtimes: { node: [], tools: [], pm2: { apps: [] }, docker: null },
    processes: [],
    listeners: [],
    services: { init: 'unknown', units: [], timers: [] },
    webServers: { nginx: null, apache: null },
    tls: { certificates: [] },
    apps: [],
    databases: { postgres: [], mysql: [] },
    caches: { redis: [], memcached: [] },
    cron: [],
    firewall: { tool: 'unknown', active: null, openPorts: null, rules: [] },
    notRead: [],
  };
}

export interface ProbeRunInfo {
  label: string;
  transport: Inventory['target']['transport'];
  collectedAt: string;
  durationMs: number | null;
}

function sectionStatus(exitCode: number | null, truncated: boolean): SectionReport['status'] {
  if (exitCode === 124 || exitCode === 137) return 'timeout';
  if (exitCode === null) return 'error';
  return truncated ? 'partial' : 'ok';
}

/** Turns the probe's whole output into an Inventory. Total: it never throws on any input. */
export function parseProbeOutput(output: string, run: ProbeRunInfo, sections: readonly ProbeSection[] = SECTIONS): Inventory {
  const { meta, sections: raw } = splitProbeOutput(output);
  const draft = emptyInventory(run.label, run.transport, run.collectedAt);
  const privilege: Privilege = meta.uid === 0 ? (meta.viaSudo ? 'sudo' : 'root') : 'user';
  const ctx: ParseContext = { privilege, notRead: draft.notRead };
  draft.probe = { user: meta.user, privilege, durationMs: run.durationMs, sections: [] };
  if (!meta.complete) ctx.notRead.push({ what: 'probe', reason: 'the probe output ended early (connection dropped or killed); later sections are missing' });
  for (const section of sections) {
    const r = raw.get(section.name);
    if (!r) {
      draft.probe.sections.push({ name: section.name, status: 'error', exitCode: null, truncated: false, note: 'no output' });
      ctx.notRead.push({ what: section.name, reason: 'the section produced no output' });
      continue;
    }
    const status = sectionStatus(r.exitCode, r.truncated);
    const report: SectionReport = { name: section.name, status, exitCode: r.exitCode, truncated: r.truncated };
    if (status === 'timeout') {
      report.note = `stopped after ${section.timeoutSeconds}s`;
      ctx.notRead.push({ what: section.name, reason: `timed out after ${section.timeoutSeconds}s (a hung mount or service?); partial results kept` });
    }
    if (r.truncated) ctx.notRead.push({ what: section.name, reason: 'output exceeded the per-section cap and was cut' });
    try {
      section.parse(r, draft, ctx);
    } catch (err) {
      // Parsers are meant to be total; this keeps one bad section from losing the others.
      report.status = 'error';
      report.note = `parser failed: ${err instanceof Error ? err.message : String(err)}`;
      ctx.notRead.push({ what: section.name, reason: report.note });
    }
    draft.probe.sections.push(report);
  }
  linkInventory(draft);
  return draft;
}
