/**
 * Copy (initial, while the box keeps serving: a rehearsal that also lets the new environment be
 * verified on real data), freeze (writes stop on the box: the downtime window opens) and final
 * sync (the last changes move; the copy path closes later).
 */

import { quote } from 'shell-quote';
import type { EbEnvironment, TargetDesign } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import { NOTHING_TO_UNDO, type PlanBuilder, aws, manual, undoWith, verify } from './builder.js';
import { cacheCopy, copyMinutes, dbCopy, filesCopy } from './data-copy.js';

type Design = TargetDesign;

function storeBytes(sources: { sizeBytes: number | null }[]): number | null {
  return sources.some((s) => s.sizeBytes === null) ? null : sources.reduce((n, s) => n + (s.sizeBytes ?? 0), 0);
}

export function copySteps(b: PlanBuilder, d: Design): void {
  for (const db of d.resources.databases) {
    b.add(() => ({
      id: `copy-db-${db.id}`,
      phase: 'copy',
      title: `${db.copyMethod === 'replication' ? 'Start replicating' : 'Copy'} ${db.source.databases.join(', ')} from ${db.source.label} to ${db.identifier}`,
      why: db.copyMethod === 'replication' ? 'Replication copies the data while the box keeps serving; the cutover then only waits for it to catch up.' : 'A first full copy while the box keeps serving: it times the copy and lets the new environment be tested on real data. The final sync repeats it with writes stopped.',
      actions: [dbCopy(b, d, db, 'initial')],
      verify: [verify('row-counts', { source: { host: db.source.label, port: db.source.port }, target: b.use(`rds:${db.id}.endpoint`), databases: db.source.databases }, { tables: 'same set', rows: db.copyMethod === 'replication' ? 'within replication lag' : 'equal at the time of the dump' })],
      undo: db.copyMethod === 'replication'
        ? undoWith('Stop replication and drop the publication/replication user on the box.', [manual(`On ${db.source.label}, drop what replication needed: ${db.engine === 'postgres' ? 'DROP PUBLICATION skylift;' : 'the replication user and the firewall rule for RDS'}.`)])
        : NOTHING_TO_UNDO('The copy exists only in the RDS instance, which its provision step\'s undo deletes; the box is only read.'),
      minutes: copyMinutes(db.source.sizeBytes),
    }));
  }
  for (const store of [...d.resources.buckets, ...d.resources.fileSystems]) {
    const viaEfs = !('purpose' in store);
    b.add(() => ({
      id: `copy-files-${store.id}`,
      phase: 'copy',
      title: `Copy ${store.sources.map((s) => s.path).join(', ')} to ${store.name}`,
      why: 'The bulk of the files moves while the box keeps serving; the final sync only moves what changed.',
      dependsOn: viaEfs ? [`provision-efs-${store.id}`, `provision-eb-${store.environment}`] : [`prepare-bucket-${store.id}`],
      actions: filesCopy(b, store, 'initial'),
      verify: [verify('file-counts', { sources: store.sources.map((s) => ({ host: s.label, path: s.path })), target: store.name }, { files: 'equal', bytes: 'equal' })],
      undo: NOTHING_TO_UNDO('The copy lives in the bucket or file system, which its own undo deletes; the box is only read.'),
      minutes: copyMinutes(storeBytes(store.sources), { best: 50, worst: 10 }),
    }));
  }
  for (const c of d.resources.caches.filter((c) => c.dataMove === 'key-copy')) {
    const env = d.resources.environments[0];
    b.add(() => ({
      id: `copy-cache-${c.id}`,
      phase: 'copy',
      title: `Copy keys from ${c.source.label}:${c.source.port} to ${c.identifier}`,
      why: 'Keys that never expire (sessions, queues, state) would be lost by a cold start.',
      dependsOn: env ? [`provision-eb-${env.id}`] : [],
      actions: [cacheCopy(b, c)],
      verify: [verify('key-counts', { source: { host: c.source.label, port: c.source.port }, target: b.use(`cache:${c.id}.endpoint`) }, { keys: 'equal at the time of the copy' })],
      undo: NOTHING_TO_UNDO('The keys live only in the new cluster, which its own undo deletes.'),
      minutes: [1, 10],
    }));
  }
}

/** The command that stops (or starts) an app on the box. */
function appControl(env: EbEnvironment, source: EbEnvironment['sources'][number], verb: 'stop' | 'start'): Action {
  const c = source.control;
  if (c.kind === 'pm2') return { kind: 'remote', host: source.label, command: quote(['runuser', '-u', c.user, '--', 'pm2', verb, c.name]), sudo: true, outputs: {} };
  if (c.kind === 'systemd') return { kind: 'remote', host: source.label, command: quote(['systemctl', verb, c.unit]), sudo: true, outputs: {} };
  return manual(`${verb === 'stop' ? 'Stop' : 'Start'} ${env.appName} in ${source.dir} on ${source.label} (no PM2 entry or systemd unit was found for it).`);
}

export function freezeSteps(b: PlanBuilder, d: Design): void {
  const movedJobs = d.resources.schedules.filter((j) => j.mapping === 'worker-cron' || j.mapping === 'eventbridge');
  const apps = d.resources.environments.flatMap((env) => env.sources.map((source) => ({ env, source })));
  const ready = [...b.inPhase('copy'), ...b.inPhase('verify')];
  b.add(() => ({
    id: 'freeze-writes',
    phase: 'freeze',
    title: `Stop writes on the box: stop ${[...new Set(apps.map((a) => a.env.appName))].join(', ') || 'the app'}${movedJobs.length > 0 ? ' and the moved cron jobs' : ''}`,
    why: 'The final sync must copy a database nobody writes to. The downtime window opens here; the box\'s app stays stopped after the switch so late clients cannot write to it.',
    dependsOn: ready,
    preconditions: ['Every verify step passed.', 'Nothing else writes to the box\'s databases (other apps, admin tools).', 'Users were told about the maintenance window.'],
    actions: [
      ...(apps.length > 0 ? apps.map((a) => appControl(a.env, a.source, 'stop')) : [manual('Stop every program that writes to the box\'s databases and files (no app was found to stop automatically).')]),
      ...movedJobs.map((j) => manual(`On ${j.source}, comment out the crontab line "${j.schedule} ${j.command}" (${j.id} moves to ${j.mapping}).`)),
    ],
    verify: apps.map((a) => verify('http', { host: a.source.label, url: `the app's local port (${a.env.appName})`, via: 'ssh' }, { refused: true })),
    undo: undoWith('Start the app on the box again (and restore the commented crontab lines).', [
      ...(apps.length > 0 ? apps.map((a) => appControl(a.env, a.source, 'start')) : [manual('Start again what was stopped for the freeze.')]),
      ...movedJobs.map((j) => manual(`On ${j.source}, uncomment the crontab line "${j.schedule} ${j.command}".`)),
    ]),
    minutes: [1, 5],
    inDowntime: true,
  }));
}

export function finalSyncSteps(b: PlanBuilder, d: Design): void {
  for (const db of d.resources.databases) {
    b.add(() => ({
      id: `final-sync-db-${db.id}`,
      phase: 'final-sync',
      title: `Final sync of ${db.source.databases.join(', ')} to ${db.identifier}`,
      why: db.copyMethod === 'replication' ? 'With writes stopped, replication catches up and stops; RDS becomes the primary.' : 'With writes stopped, the full copy is repeated so RDS holds exactly what the box holds.',
      dependsOn: ['freeze-writes', `copy-db-${db.id}`],
      actions: [dbCopy(b, d, db, 'final')],
      verify: [verify('row-counts', { source: { host: db.source.label, port: db.source.port }, target: b.use(`rds:${db.id}.endpoint`), databases: db.source.databases }, { tables: 'same set', rows: 'equal' })],
      undo: NOTHING_TO_UNDO('Only the RDS copy changed; the box still holds the same data and starts again with the freeze undo.'),
      minutes: db.copyMethod === 'replication' ? [1, 5] : copyMinutes(db.source.sizeBytes),
      inDowntime: true,
    }));
  }
  for (const store of [...d.resources.buckets, ...d.resources.fileSystems]) {
    b.add(() => ({
      id: `final-sync-files-${store.id}`,
      phase: 'final-sync',
      title: `Final sync of ${store.sources.map((s) => s.path).join(', ')} to ${store.name}`,
      why: 'Files written since the initial copy move with writes stopped.',
      dependsOn: ['freeze-writes', `copy-files-${store.id}`],
      actions: filesCopy(b, store, 'final'),
      verify: [verify('file-counts', { sources: store.sources.map((s) => ({ host: s.label, path: s.path })), target: store.name }, { files: 'equal', bytes: 'equal' })],
      undo: NOTHING_TO_UNDO('Only the AWS copy changed.'),
      minutes: [1, 15],
      inDowntime: true,
    }));
  }
  for (const c of d.resources.caches.filter((c) => c.dataMove === 'key-copy')) {
    b.add(() => ({
      id: `final-sync-cache-${c.id}`,
      phase: 'final-sync',
      title: `Final key copy to ${c.identifier}`,
      why: 'Keys changed since the initial copy (sessions) move with writes stopped.',
      dependsOn: ['freeze-writes', `copy-cache-${c.id}`],
      actions: [cacheCopy(b, c)],
      verify: [verify('key-counts', { source: { host: c.source.label, port: c.source.port }, target: b.use(`cache:${c.id}.endpoint`) }, { keys: 'equal' })],
      undo: NOTHING_TO_UNDO('Only the new cluster changed.'),
      minutes: [1, 10],
      inDowntime: true,
    }));
  }
  const envs = d.resources.environments;
  if (envs.length === 0) return;
  b.add(() => ({
    id: 'final-sync-restart-apps',
    phase: 'final-sync',
    title: `Restart the app servers of ${envs.map((e) => e.environmentName).join(', ')}`,
    why: 'The apps ran against the rehearsal copy; a restart drops pooled connections and in-memory caches built from it.',
    dependsOn: ['freeze-writes', ...b.inPhase('final-sync')],
    actions: envs.map((e) => aws('elasticbeanstalk', 'RestartAppServer', { EnvironmentName: e.environmentName })),
    verify: envs.map((e) => verify('eb-health', { environment: e.environmentName }, { HealthStatus: ['Ok'] })),
    undo: NOTHING_TO_UNDO('A restart changes no state.'),
    minutes: [1, 3],
    inDowntime: true,
  }));
}
