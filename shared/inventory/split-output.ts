import { MARK } from './probe-script.js';
import type { RawSection } from './section.js';

export interface ProbeOutput {
  meta: { user: string | null; uid: number | null; viaSudo: boolean; hasTimeout: boolean; complete: boolean };
  sections: Map<string, RawSection>;
}

/**
 * Splits the probe's framed output into sections. Total: garbage, truncation and interleaved
 * marks never throw; a section whose end mark never came is kept with `exitCode: null`.
 */
export function splitProbeOutput(output: string): ProbeOutput {
  const meta: ProbeOutput['meta'] = { user: null, uid: null, viaSudo: false, hasTimeout: false, complete: false };
  const sections = new Map<string, RawSection>();
  let current: { name: string; lines: string[]; truncated: boolean } | null = null;
  const close = (exitCode: number | null) => {
    if (!current) return;
    // The framing always adds one newline before the end mark (see sky_section).
    if (exitCode !== null && current.lines.at(-1) === '') current.lines.pop();
    sections.set(current.name, { name: current.name, text: current.lines.join('\n'), exitCode, truncated: current.truncated });
    current = null;
  };
  for (const line of output.split('\n')) {
    if (line.startsWith(MARK.begin)) {
      close(null);
      current = { name: line.slice(MARK.begin.length).trim(), lines: [], truncated: false };
    } else if (line.startsWith(MARK.end)) {
      const m = /rc=(\d+)/.exec(line);
      close(m ? Number(m[1]) : null);
    } else if (line.startsWith(MARK.truncated)) {
      if (current) current.truncated = true;
    } else if (line.startsWith(MARK.meta)) {
      close(null);
      const rest = line.slice(MARK.meta.length);
      if (rest.trim() === 'done') meta.complete = true;
      for (const [, k, v] of rest.matchAll(/(\w+)=(\S*)/g)) {
        if (k === 'user') meta.user = v || null;
        else if (k === 'uid' && v && /^\d+$/.test(v)) meta.uid = Number(v);
        else if (k === 'sudo') meta.viaSudo = v === '1';
        else if (k === 'timeout') meta.hasTimeout = v === '1';
      }
    } else if (current) {
      current.lines.push(line);
    }
  }
  close(null);
  return { meta, sections };
}
