import type { Command } from 'commander';
import type { Diagnosis } from '../../../shared/doctor/diagnose.js';
import type { DoctorFacts } from '../../../shared/doctor/facts.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { DoctorError } from '../../engine/doctor/errors.js';
import { ask, interactive } from '../prompt.js';
import { addRunnerOptions, finish, runnerOptions, runnerProgress, type RunnerFlags } from './runner-cli.js';

interface DoctorFlags extends RunnerFlags {
  env: string;
  url: string[];
  echoEvent?: string;
  fix?: boolean;
}

function describeLb(facts: DoctorFacts): string {
  const lb = facts.loadBalancer;
  if (lb.kind === 'none') return 'no load balancer (single instance)';
  const listeners = lb.listeners.map((l) => `${l.protocol}:${l.port}→${l.instanceProtocol}:${l.instancePort}`).join(', ');
  return `${lb.kind === 'classic' ? 'classic ELB' : 'ALB'} [${listeners}], idle timeout ${lb.idleTimeoutSeconds ?? '?'} s, stickiness ${lb.stickiness ? 'on' : 'off'}`;
}

export function renderDiagnosis(facts: DoctorFacts, d: Diagnosis): string {
  const lines = [
    `Environment ${facts.environment.name} (${facts.environment.application}, ${facts.environment.status}, version ${facts.environment.versionLabel ?? 'none'})`,
    `  load balancer: ${describeLb(facts)}`,
    `  instances: ${facts.instances.running} running, up to ${facts.instances.maxSize}`,
    ...(facts.bundleError ? [`  bundle: ${facts.bundleError}`] : []),
    ...facts.handshakes.map((h) => `  ${h.url}: polling ${h.polling.status ?? h.polling.error}, websocket ${h.websocket.upgraded ? '101' : (h.websocket.error ?? h.websocket.status)}${h.echo ? `, echo ${h.echo.ok ? 'ok' : h.echo.detail}` : ''}`),
    '',
  ];
  if (d.healthy) return [...lines, 'Healthy: Socket.IO upgrades to WebSocket and nothing in the configuration will break it. Nothing to change.', ''].join('\n');
  lines.push(`${d.findings.length} cause(s) found:`);
  for (const f of d.findings) {
    lines.push(`✘ [${f.id}] ${f.title}`, ...f.evidence.map((e) => `    evidence: ${e}`), `    fix${f.automatic ? ' (--fix does it)' : ' (by hand)'}: ${f.fix}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderPlan(plan: Plan): string {
  const lines = [`Fix ${plan.migration.name}, ${plan.steps.length} step(s), each undone by skylift rollback ${plan.migration.name}:`];
  for (const s of plan.steps) lines.push(`  ${s.id}: ${s.title}`, `    undo: ${s.undo.kind === 'actions' ? s.undo.summary : s.undo.reason}`);
  return `${lines.join('\n')}\n`;
}

function regionOf(flags: DoctorFlags): string {
  const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new DoctorError('NO_REGION', 'no AWS region given', 'pass --region (or set AWS_REGION)');
  return region;
}

export function registerDoctor(program: Command): void {
  addRunnerOptions(
    program
      .command('doctor')
      .description('find why Socket.IO/WebSockets fail on an Elastic Beanstalk environment, with evidence; --fix repairs it (journaled, undone by skylift rollback)')
      .requiredOption('--env <name>', 'the Elastic Beanstalk environment')
      .option('--url <url>', 'also shake hands through this URL (a domain pointing at the environment); repeatable', (v: string, all: string[]) => [...all, v], [])
      .option('--echo-event <event>', 'a Socket.IO event the app echoes back (acknowledges with, or emits back, what it got): checked as a round trip')
      .option('--fix', 'apply the fix plan after showing it (asks first unless --yes)'),
  ).action(async (flags: DoctorFlags) => {
    const { examine, fixId } = await import('../../engine/doctor/index.js');
    const { apply } = await import('../../engine/runner/apply.js');
    const { buildFixPlan } = await import('../../../shared/doctor/fix-plan.js');
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const echoEvent = flags.echoEvent ?? null;
    const region = regionOf(flags);
    const progress = runnerProgress(flags.json, 0);
    const runner = { ...runnerOptions({ ...flags, region }, (e) => progress.event(e)), signal: abort.signal };
    const exam = await examine({ environment: flags.env, region, urls: flags.url, echoEvent, runner });
    const id = fixId(flags.env);
    const plan = flags.fix ? buildFixPlan(exam.facts, exam.diagnosis, { id, echoEvent }) : null;
    process.stdout.write(flags.json ? `${JSON.stringify({ type: 'diagnosis', ...exam, plan })}\n` : renderDiagnosis(exam.facts, exam.diagnosis));
    if (!flags.fix || exam.diagnosis.healthy) {
      progress.stop();
      process.exitCode = exam.diagnosis.healthy ? 0 : 2;
      return;
    }
    if (!plan) {
      progress.stop();
      process.stderr.write('skylift: nothing here can be fixed automatically; the causes above say what to change by hand\n');
      process.exitCode = 2;
      return;
    }
    if (!flags.json) process.stdout.write(renderPlan(plan));
    if (!flags.yes) {
      const go = interactive() && /^y(es)?$/i.test((await ask('Apply this fix? (yes/no) ')).trim());
      if (!go) {
        progress.stop();
        process.stderr.write(`skylift: not applied${interactive() ? '' : ' (no terminal to ask: pass --yes)'}\n`);
        process.exitCode = 2;
        return;
      }
    }
    const result = await apply(plan, runner);
    finish(result, progress, flags.json);
    if (result.result === 'completed' && !flags.json) process.stdout.write(`Fixed. Undo with: skylift rollback ${id}${flags.endpointUrl ? ` --endpoint-url ${flags.endpointUrl}` : ''}\n`);
  });
}
