/**
 * Scheduled work on the box, job by job: replaced by a managed feature (ACM renewals, RDS
 * backups, the platform's own housekeeping), moved to an Elastic Beanstalk worker environment
 * with cron.yaml (EB creates its SQS queue and POSTs to the app), moved to an EventBridge rule
 * calling an HTTPS endpoint of the app (API destination), or left manual with the reason.
 * A job found identically on several app boxes runs once on AWS.
 */

import type { EbEnvironment, ScheduledJob } from '../schema/design.js';
import type { Inventory } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { eventBridgeCron, fiveFields } from './cron-expression.js';
import { resourceName } from './names.js';
import { safeText } from './sanitize.js';

interface RawJob {
  inv: Inventory;
  ref: string;
  schedule: string;
  command: string;
}

const CERT = /certbot|letsencrypt|acme\.sh/;
const BACKUP = /pg_dump|pg_basebackup|mysqldump|mariadb-dump|mariabackup|xtrabackup/;
const OS = /logrotate|apt(-get)?\s|apt-compat|unattended-upgrade|run-parts|e2scrub|sysstat|debian-sa1|popularity-contest|updatedb|mlocate|fstrim|man-db|dpkg|sessionclean|apport|ntpdate/;
const LOCAL_URL = /(?:curl|wget)\b.*?https?:\/\/(?:localhost|127\.0\.0\.1)(?::(\d+))?(\/[^\s'"]*)?/;
const NODE = /\b(node|npm|npx|yarn|pnpm)\b/;
const CLEANUP = /\b(find\b.*-delete|rm\s+-[a-z]*r|tmpreaper|tmpwatch)/;

function rawJobs(inventories: Inventory[]): RawJob[] {
  return inventories.flatMap((inv) => [
    ...inv.cron.map((c, i) => ({ inv, ref: `cron:${i}`, schedule: c.schedule, command: safeText(c.command) })),
    ...inv.services.timers.map((t) => ({
      inv,
      ref: `timer:${t.name}`,
      schedule: t.schedule ?? 'unknown',
      command: safeText(inv.services.units.find((u) => u.name === t.unit)?.execStart ?? t.unit ?? t.name),
    })),
  ]);
}

/** The path without its query string: a token there is replaced by the x-skylift-cron-token header. */
function urlPath(path: string | undefined): string {
  return (path ?? '/').split('?')[0] || '/';
}

/** The environment a job belongs to: its command names the app dir, or curls the app's port. */
function ownerOf(job: RawJob, envs: EbEnvironment[]): { env: EbEnvironment; path: string | null } | null {
  const url = LOCAL_URL.exec(job.command);
  for (const env of envs) {
    const sources = env.sources.filter((s) => s.label === job.inv.target.label);
    for (const s of sources) {
      const app = job.inv.apps.find((a) => a.dir === s.dir);
      if (url && app && (url[1] === undefined ? app.ports.includes(80) || job.inv.apps.length === 1 : app.ports.includes(Number(url[1])))) return { env, path: urlPath(url[2]) };
      if (!url && NODE.test(job.command) && job.command.includes(s.dir)) return { env, path: null };
    }
  }
  return url && envs.length === 1 ? { env: envs[0] as EbEnvironment, path: urlPath(url[2]) } : null;
}

function replaced(command: string, hasDatabases: boolean): string | null {
  if (CERT.test(command)) return 'Certificate renewal: ACM renews its certificates automatically.';
  if (BACKUP.test(command) && hasDatabases) return 'Database backup: RDS automated backups (7-day retention, point-in-time restore) replace it.';
  if (OS.test(command)) return 'Operating-system housekeeping: Elastic Beanstalk instances are managed by the platform and replaced on updates.';
  return null;
}

function manualReason(command: string, schedule: string, five: string | null): string {
  if (!five) return `The schedule "${schedule}" has no cron equivalent (@reboot or a systemd calendar): review it by hand.`;
  if (CLEANUP.test(command)) return 'File cleanup on local disk: instance storage does not accumulate across replacements, and files moved to S3 are expired with a lifecycle rule instead.';
  return 'Not recognised as app work (no Node.js command in an app directory, no local URL): review it; it stops with the box.';
}

export function mapCron(ctx: MappingContext, inventories: Inventory[], envs: EbEnvironment[], migration: string, hasDatabases: boolean): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  const firstOf = new Map<string, string>();
  const timezones = new Set(inventories.map((i) => i.host.timezone).filter((t): t is string => t !== null && !/^(Etc\/)?(UTC|GMT|Universal)$/.test(t)));
  for (const raw of rawJobs(inventories)) {
    const dupKey = `${raw.schedule}|${raw.command}`;
    const twin = firstOf.get(dupKey);
    if (twin) {
      ctx.cover({ ref: raw.ref, source: raw.inv.target.label, kind: 'cron', status: 'mapped', detail: `Same job as ${twin}: runs once on AWS, not once per box.` });
      continue;
    }
    const id = `job-${jobs.length + 1}`;
    firstOf.set(dupKey, id);
    const five = fiveFields(raw.schedule);
    const owner = ownerOf(raw, envs);
    const replacement = replaced(raw.command, hasDatabases);
    let mapping: ScheduledJob['mapping'] = 'manual';
    let reason: string;
    const warnings: string[] = [];
    if (replacement) {
      mapping = 'replaced';
      reason = replacement;
    } else if (owner && five) {
      const canHttps = owner.env.domains.length > 0;
      mapping = ctx.ask({
        key: `cron.${id}.mapping`,
        prompt: `Where should "${raw.schedule} ${raw.command}" run?`,
        kind: 'choice',
        choices: [
          { value: 'worker-cron', label: 'EB worker environment (cron.yaml)', consequence: 'A worker environment runs the same code; its daemon POSTs to a path of the app on schedule (EB creates the SQS queue). App change: the job becomes an HTTP handler. One more instance.' },
          ...(canHttps ? [{ value: 'eventbridge', label: 'EventBridge rule → HTTPS endpoint', consequence: 'No extra instance: EventBridge calls an endpoint of the web app with a secret header. App change: expose the job as a protected endpoint; it runs on whichever web instance answers.' }] : []),
          { value: 'manual', label: 'Stays manual', consequence: 'Not scheduled on AWS: it stops when the box is decommissioned unless you run it yourself.' },
        ],
        default: owner.path !== null && canHttps ? 'eventbridge' : 'worker-cron',
        defaultReason: owner.path !== null ? 'The job already calls an HTTP endpoint of the app.' : 'The job runs app code; a worker environment runs it off the web instances.',
      }) as ScheduledJob['mapping'];
      reason = mapping === 'manual' ? 'Your answer: it stays manual.' : mapping === 'eventbridge' ? 'Calls the app over HTTPS on schedule through an API destination (EventBridge Scheduler itself cannot call an arbitrary HTTPS endpoint).' : 'Posted to the worker environment by its cron daemon.';
    } else {
      reason = manualReason(raw.command, raw.schedule, five);
    }
    const path = mapping === 'worker-cron' || mapping === 'eventbridge' ? (owner?.path ?? `/jobs/${id}`) : null;
    let targetSchedule: string | null = null;
    if (five && mapping === 'worker-cron') targetSchedule = five;
    if (five && mapping === 'eventbridge') {
      const eb = eventBridgeCron(five);
      targetSchedule = eb.expression;
      if (eb.warning) warnings.push(eb.warning);
    }
    if (path && /\?.*\*\*\*/.test(raw.command)) warnings.push('The URL\'s query string held a secret (redacted here): the endpoint must check the x-skylift-cron-token header instead.');
    if (targetSchedule && timezones.size > 0) warnings.push(`The box runs in ${[...timezones].join(', ')}; schedules on AWS run in UTC: shift the hours.`);
    const environment = mapping === 'worker-cron' || mapping === 'eventbridge' ? (owner?.env.id ?? null) : null;
    jobs.push({ id, source: raw.inv.target.label, schedule: raw.schedule, command: raw.command, mapping, environment, path, targetSchedule, reason: [reason, ...warnings].join(' ') });
    ctx.cover({ ref: raw.ref, source: raw.inv.target.label, kind: 'cron', status: mapping === 'manual' ? 'not-mapped' : 'mapped', detail: `${id}: ${mapping} — ${reason}` });
  }
  attachWorkers(ctx, envs, jobs, migration);
  if (jobs.length > 0) {
    ctx.decide({
      id: 'cron.jobs',
      area: 'cron',
      title: 'Scheduled jobs',
      value: jobs.map((j) => `${j.id}: ${j.mapping}`),
      reason: 'Each crontab line and systemd timer is mapped on its own; the trade-offs are in each job\'s reason.',
      facts: jobs.map((j) => `${j.source}: ${j.schedule} ${j.command}`),
      warnings: jobs.filter((j) => j.mapping === 'worker-cron' || j.mapping === 'eventbridge').map((j) => `${j.id}: app change — expose ${j.path} (POST) to run it.`),
    });
  }
  return jobs;
}

/** Periodic jobs leave a worker idle most of the time: a small burstable instance. */
const WORKER_INSTANCE = 't3.small';

function attachWorkers(ctx: MappingContext, envs: EbEnvironment[], jobs: ScheduledJob[], migration: string): void {
  for (const env of envs) {
    const cron = jobs.filter((j) => j.environment === env.id && j.mapping === 'worker-cron' && j.path && j.targetSchedule).map((j) => ({ name: j.id, url: j.path as string, schedule: j.targetSchedule as string }));
    if (cron.length > 0) {
      env.worker = { environmentName: resourceName([migration, env.id, 'worker'], 40), instanceType: WORKER_INSTANCE, cron };
      ctx.decide({
        id: `cron.${env.id}.worker`,
        area: 'cron',
        title: `Worker environment for ${env.appName}`,
        value: `${env.worker.environmentName}: 1 × ${WORKER_INSTANCE}, ${cron.length} cron.yaml job(s)`,
        reason: 'It runs the same code and properties as the web environment; its daemon POSTs each job to the app, so a job runs once however many web instances there are. Jobs run a few times a day at most, so one burstable instance idles between them.',
        alternatives: [{ value: env.instanceType, why: 'The web instance type, if a job needs its CPU or memory.' }],
      });
    }
    if (jobs.some((j) => j.environment === env.id && j.mapping === 'eventbridge') && !env.envVars.some((v) => v.name === 'SKYLIFT_CRON_TOKEN')) {
      env.envVars.push({ name: 'SKYLIFT_CRON_TOKEN', source: 'skylift', store: 'ssm', value: { kind: 'generated' }, parameterName: `/skylift/${migration}/${env.id}/SKYLIFT_CRON_TOKEN`, note: 'Shared secret EventBridge sends in the x-skylift-cron-token header; the job endpoints must check it.' });
      env.envVars.sort((a, b) => a.name.localeCompare(b.name));
    }
  }
}

