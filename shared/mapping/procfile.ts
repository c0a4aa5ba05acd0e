/**
 * The Procfile `web:` command, derived from how the box starts the app (PM2, a systemd unit, the
 * running process, package.json), made relative to the app directory. Arguments that look like
 * secrets are dropped, never copied: they belong in environment properties.
 */

import { isSecretName, REDACTED } from '../inventory/redact.js';
import type { AppMember } from './sources.js';
import { fact } from './sources.js';
import { safeText } from './sanitize.js';

export interface StartCommand {
  command: string;
  facts: string[];
  warnings: string[];
  reason: string;
}

function relativeTo(dir: string, path: string): string {
  const base = dir.replace(/\/+$/, '');
  return path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path;
}

/** node/npm/yarn with a bare name; the script relative to the app dir; secret arguments dropped. */
function normalise(commandLine: string, dir: string, warnings: string[]): string | null {
  const tokens = safeText(commandLine).trim().split(/\s+/);
  const bin = tokens[0]?.split('/').pop() ?? '';
  if (!/^(node|nodejs|npm|yarn|pnpm|npx|ts-node|tsx)$/.test(bin)) return null;
  const kept: string[] = [bin === 'nodejs' ? 'node' : bin];
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const opt = /^--?([A-Za-z][\w-]*)(=.*)?$/.exec(token);
    if (token.includes(REDACTED) || (opt && isSecretName(opt[1] as string))) {
      warnings.push(`A secret-looking argument (${opt ? `--${opt[1]}` : 'redacted value'}) was left out of the Procfile: pass it as an environment property instead.`);
      if (opt && !opt[2] && i + 1 < tokens.length && !(tokens[i + 1] as string).startsWith('-')) i++;
      continue;
    }
    kept.push(relativeTo(dir, token));
  }
  return kept.join(' ');
}

export function startCommand(member: AppMember): StartCommand {
  const { inv, app } = member;
  const warnings: string[] = [];
  const web = app.procfile ? /^web:\s*(.+)$/m.exec(app.procfile) : null;
  const fromProcfile = web ? normalise(web[1] as string, app.dir, warnings) ?? safeText(web[1] as string) : null;
  if (fromProcfile) {
    return { command: fromProcfile, facts: [fact(inv, `apps[${app.name}].procfile`, web?.[0] ?? '')], warnings, reason: 'The app already has a Procfile; its web line is kept.' };
  }
  const pm2 = inv.runtimes.pm2.apps.find((p) => p.cwd === app.dir || p.name === app.name);
  if (pm2?.script) {
    const script = relativeTo(app.dir, safeText(pm2.script));
    const command = /^(npm|yarn|pnpm)$/.test(script) ? `${script} start` : `node ${script}`;
    if ((pm2.instances ?? 1) > 1 || pm2.execMode === 'cluster_mode') {
      warnings.push(`PM2 ran ${pm2.instances ?? 'several'} instances in cluster mode; on Elastic Beanstalk one process per instance serves, and instances scale out instead (or use \`npx pm2-runtime\` in the Procfile to keep cluster mode).`);
    }
    return { command, facts: [fact(inv, `runtimes.pm2.apps[${pm2.name}].script`, pm2.script)], warnings, reason: 'PM2\'s script for the app, run directly: Elastic Beanstalk supervises the process itself.' };
  }
  const unit = inv.services.units.find((u) => u.execStart && (u.workingDirectory === app.dir || u.execStart.includes(app.dir)));
  const fromUnit = unit?.execStart ? normalise(unit.execStart, unit.workingDirectory ?? app.dir, warnings) : null;
  if (unit && fromUnit) {
    return { command: fromUnit, facts: [fact(inv, `services.units[${unit.name}].execStart`, unit.execStart)], warnings, reason: `The ExecStart of ${unit.name}, relative to the app directory.` };
  }
  const proc = inv.processes.find((p) => p.cwd === app.dir && normalise(p.command, app.dir, []) !== null);
  const fromProc = proc ? normalise(proc.command, app.dir, warnings) : null;
  if (proc && fromProc) {
    return { command: fromProc, facts: [fact(inv, `processes[${proc.pid}].command`, proc.command)], warnings, reason: 'The running process\'s command line, relative to the app directory.' };
  }
  const pkg = app.packageJson;
  if (pkg?.startScript) {
    return { command: 'npm start', facts: [fact(inv, `apps[${app.name}].packageJson.startScript`, pkg.startScript)], warnings, reason: 'package.json has a start script.' };
  }
  if (pkg?.main) {
    return { command: `node ${pkg.main}`, facts: [fact(inv, `apps[${app.name}].packageJson.main`, pkg.main)], warnings, reason: 'package.json main, run with node.' };
  }
  warnings.push('No start command was found: the Procfile runs `npm start`, which needs a start script in package.json.');
  return { command: 'npm start', facts: [], warnings, reason: 'Elastic Beanstalk\'s own default when there is no Procfile.' };
}
