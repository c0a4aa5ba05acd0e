/**
 * Copy (initial, while the box keeps serving: a rehearsal that also lets the new environment be
 * verified on real data), freeze (writes stop on the box: the downtime window opens) and final
 * sync (the last changes move; the copy path closes later).
 */

import { quote } from 'shell-quote';
import type { EbEnvironment, RdsInstance, TargetDesign, WriteFreeze } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import { NOTHING_TO_UNDO, type PlanBuilder, aws, manual, undoWith, verify } from './builder.js';
import { cacheCopy, copyMinutes, dbCopy, filesCopy } from './data-copy.js';
import { openCopyPathStep } from './steps-network.js';
import { insideFreeze } from '../mapping/freeze.js';

type Design = TargetDesign;

function storeBytes(sources: { sizeBytes: number | null }[]): number | null {
  return sources.some((s) => s.sizeBytes === null) ? null : sources.reduce((n, s) => n + (s.sizeBytes ?? 0), 0);
}

export function copySteps(b: PlanBuilder, d: Design): void {
  openCopyPathStep(b, d);
  const path = b.has('copy-open-path') ? ['copy-open-path'] : [];
  for (const db of d.resources.databases) {
    b.add(() => ({
      id: `copy-db-${db.id}`,
      phase: 'copy',
      dependsOn: path,
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
      dependsOn: [...(env ? [`provision-eb-${env.id}`] : []), ...path],
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
  if (c.kind === 'pm2') {
    // Where the inventory found pm2: a login shell gives the user's HOME (so PM2_HOME is theirs, not root's), that pm2 and its node go first on PATH (nvm installs are off it).
    const dir = c.bin?.replace(/\/[^/]*$/, '');
    const command = c.bin && dir ? quote(['runuser', '-l', c.user, '-c', `PATH=${quote([dir])}:"$PATH" ${quote([c.bin, verb, c.name])}`]) : quote(['runuser', '-u', c.user, '--', 'pm2', verb, c.name]);
    return { kind: 'remote', host: source.label, command, sudo: true, outputs: {} };
  }
  if (c.kind === 'systemd') return { kind: 'remote', host: source.label, command: quote(['systemctl', verb, c.unit]), sudo: true, outputs: {} };
  return manual(`${verb === 'stop' ? 'Stop' : 'Start'} ${env.appName} in ${source.dir} on ${source.label} (no PM2 entry or systemd unit was found for it).`);
}

/** Seconds clients are told to wait before retrying (Retry-After): about a short freeze. */
const RETRY_AFTER_SECONDS = 120;
const MAINTENANCE_FILE = 'skylift-maintenance.conf';

function maintenanceInclude(configFile: string): string {
  return `${configFile.slice(0, configFile.lastIndexOf('/') + 1) || '/etc/nginx/'}${MAINTENANCE_FILE}`;
}

/** A sed expression over `server {` lines adding (or removing) the maintenance include. */
function includeSed(include: string, add: boolean): string {
  return add ? `s#^\\([[:space:]]*server[[:space:]]*{\\)#\\1 include ${include};#` : `s# include ${include};##`;
}

/**
 * nginx answers every request with 503 and Retry-After: a server-level `return` runs before any
 * location, so the include goes first in each server block. The config is tested before the
 * reload; a failed test puts the files back as they were.
 */
function nginxFreeze(label: string, nginx: NonNullable<WriteFreeze['nginx']>, on: boolean): Action {
  const include = maintenanceInclude(nginx.configFile);
  const files = quote(nginx.files);
  const conf = quote([nginx.configFile]);
  const remove = `for g in ${files}; do sed -i --follow-symlinks ${quote([includeSed(include, false)])} "$g"; done`;
  const edit = on
    ? [
        `printf '%s\\n' ${quote(['# Skylift write freeze: every request gets 503 until the freeze is undone (which removes this file and its includes).', `add_header Retry-After ${RETRY_AFTER_SECONDS} always;`, 'return 503;'])} > ${quote([include])}`,
        `for f in ${files}; do`,
        `  grep -qF ${quote([`include ${include};`])} "$f" || sed -i --follow-symlinks ${quote([includeSed(include, true)])} "$f"`,
        `  grep -qF ${quote([`include ${include};`])} "$f" || { ${remove}; echo "no 'server {' line in $f: add 'include ${include};' to its server blocks by hand" >&2; exit 1; }`,
        'done',
        `nginx -t -c ${conf} || { ${remove}; rm -f ${quote([include])}; exit 1; }`,
      ]
    : [remove, `rm -f ${quote([include])}`, `nginx -t -c ${conf}`];
  return { kind: 'remote', host: label, command: ['set -e', ...workersBefore(nginx), ...edit, `nginx -s reload -c ${conf}`, settle(nginx, on)].join('\n'), sudo: true, outputs: {} };
}

/** The master's workers before the reload (its pid file from the effective config, else Debian's). */
function workersBefore(nginx: NonNullable<WriteFreeze['nginx']>): string[] {
  return [
    `pidfile=$(nginx -T -c ${quote([nginx.configFile])} 2>/dev/null | sed -n 's/^[[:space:]]*pid[[:space:]][[:space:]]*\\([^;]*\\);.*/\\1/p' | head -n 1)`,
    'master=$(cat "${pidfile:-/run/nginx.pid}")',
    'before=$(for p in /proc/[0-9]*; do [ "$(awk \'/^PPid:/ { print $2 }\' "$p/status" 2>/dev/null)" = "$master" ] && echo "${p#/proc/}"; done; true)',
    'left() { for w in $before; do [ -d "/proc/$w" ] && echo "$w"; done; true; }',
  ];
}

/**
 * After the reload the old workers keep serving the connections they hold (a WebSocket for an
 * hour): once told to shut down they are ended, so nobody keeps writing (or keeps getting 503)
 * through them. The box also asks its own nginx (by name, at the listener) for the new answer.
 * Ten seconds at most.
 */
function settle(nginx: NonNullable<WriteFreeze['nginx']>, frozen: boolean): string {
  const check = nginx.check;
  const curl = check ? `curl -sk -m 2 -o /dev/null -w '%{http_code}' --resolve ${quote([`${check.name}:${check.port}:${check.address}`])} ${quote([check.url])}` : null;
  const answered = curl ? `code=$(${curl}); [ "$code" ${frozen ? '=' : '-ne'} 503 ] && ` : '';
  const stop = 'for w in $(left); do grep -qs \'shutting down\' "/proc/$w/cmdline" && kill -TERM "$w" 2>/dev/null; done';
  return `i=0; until ${answered}[ -z "$(left)" ]; do ${stop}; i=$((i+1)); [ "$i" -lt 100 ] || { echo "${check ? `${check.url} answers $code, ` : ''}old nginx workers left: $(left)" >&2; exit 1; }; sleep 0.1; done`;
}

/** Finds the server's socket directory from the kernel's list of listening unix sockets (Debian's default when none is found), then psql as the postgres OS user. */
function psqlPrelude(db: RdsInstance): string[] {
  const socket = `/.s.PGSQL.${db.source.port}`;
  const re = socket.replace(/\./g, '\\.').replace(/\//g, '\\/');
  return [
    'set -e',
    'cd /',
    `sock=$(awk '$8 ~ /${re}$/ { sub(/${re}$/, "", $8); print $8; exit }' /proc/net/unix)`,
    'psql=$(command -v psql || ls -1 /usr/lib/postgresql/*/bin/psql /usr/pgsql-*/bin/psql 2>/dev/null | tail -n 1)',
    `sky_psql() { runuser -u postgres -- "$psql" -h "\${sock:-/var/run/postgresql}" -p ${db.source.port} -d ${quote([db.source.databases[0] ?? 'postgres'])} -X -q -v ON_ERROR_STOP=1 "$@"; }`,
  ];
}

/** A new session must see the setting (the reload reaches the server within moments); five seconds at most. */
const untilSetting = (value: 'on' | 'off'): string =>
  `i=0; until [ "$(sky_psql -At -c 'SHOW default_transaction_read_only')" = ${value} ]; do i=$((i+1)); [ "$i" -lt 50 ] || { echo "new sessions still have default_transaction_read_only ${value === 'on' ? 'off' : 'on'}" >&2; exit 1; }; sleep 0.1; done`;

/** Write transactions already running get this long to finish before their sessions are ended. */
const DRAIN_SECONDS = 10;

/**
 * PostgreSQL read-only: default_transaction_read_only for every new transaction (ALTER SYSTEM, so
 * a restart keeps it), then sessions still holding a write transaction after the drain are
 * ended; a new session must come up read-only.
 */
function postgresFreeze(db: RdsInstance, on: boolean): Action {
  const writers = "backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
  const lines = on
    ? [
        ...psqlPrelude(db),
        `sky_psql ${quote(['-c', 'ALTER SYSTEM SET default_transaction_read_only = on', '-c', 'SELECT pg_reload_conf()'])} >/dev/null`,
        `sky_psql ${quote(['-c', `DO $$ BEGIN FOR i IN 1..${DRAIN_SECONDS * 2} LOOP PERFORM pg_stat_clear_snapshot(); EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE ${writers}); PERFORM pg_sleep(0.5); END LOOP; END $$`])}`,
        `sky_psql -At ${quote(['-c', `SELECT 'ended ' || count(pg_terminate_backend(pid)) || ' session(s) still writing' FROM pg_stat_activity WHERE ${writers}`])}`,
        untilSetting('on'),
      ]
    : [
        ...psqlPrelude(db),
        `sky_psql ${quote(['-c', 'SET default_transaction_read_only = off', '-c', 'ALTER SYSTEM RESET default_transaction_read_only', '-c', 'SELECT pg_reload_conf()'])} >/dev/null`,
        untilSetting('off'),
      ];
  return { kind: 'remote', host: db.source.label, command: lines.join('\n'), sudo: true, outputs: {} };
}

/**
 * MySQL/MariaDB read-only as root over the unix socket of the server listening on the port (found
 * with ss), else Debian's maintenance account, else root over the default socket; super_read_only
 * on MySQL stops SUPER users too.
 */
function mysqlFreeze(db: RdsInstance, on: boolean): Action {
  const set = on ? `SET GLOBAL read_only = ON${db.engine === 'mysql' ? '; SET GLOBAL super_read_only = ON' : ''}` : 'SET GLOBAL read_only = OFF';
  const lines = [
    'set -e',
    'cli=$(command -v mariadb || command -v mysql)',
    `pid=$(ss -Hltnp ${quote([`sport = :${db.source.port}`])} | sed -n 's/.*pid=\\([0-9]*\\).*/\\1/p' | head -n 1)`,
    'sock=$(ss -Hlxp | awk -v p="pid=$pid," \'index($0, p) { print $5; exit }\')',
    'if [ -n "$pid" ] && [ -n "$sock" ]; then set -- --protocol=socket -S "$sock" -uroot',
    'elif [ -r /etc/mysql/debian.cnf ]; then set -- --defaults-file=/etc/mysql/debian.cnf',
    'else set -- -uroot; fi',
    `"$cli" "$@" -e ${quote([set])}`,
    `[ "$("$cli" "$@" -N -B -e 'SELECT @@global.read_only')" = ${on ? 1 : 0} ]`,
  ];
  return { kind: 'remote', host: db.source.label, command: lines.join('\n'), sudo: true, outputs: {} };
}

/** The command that makes a moved database read-only on the box (or writable again). */
export const dbFreeze = (db: RdsInstance, on: boolean): Action => (db.engine === 'postgres' ? postgresFreeze(db, on) : mysqlFreeze(db, on));

/** The apps a freeze leaves running behind nginx's 503, stopped once AWS takes the writes. */
function appsBehindNginx(d: Design): { env: EbEnvironment; source: EbEnvironment['sources'][number] }[] {
  const frozen = new Set(d.resources.freeze.filter((f) => f.nginx !== null).map((f) => f.label));
  return d.resources.environments.flatMap((env) => env.sources.filter((s) => frozen.has(s.label)).map((source) => ({ env, source })));
}

export function freezeSteps(b: PlanBuilder, d: Design): void {
  const movedJobs = d.resources.schedules.filter((j) => j.mapping === 'worker-cron' || j.mapping === 'eventbridge');
  const viaNginx = d.resources.freeze.filter((f) => f.nginx !== null);
  const nginxLabels = new Set(viaNginx.map((f) => f.label));
  const stopped = d.resources.environments.flatMap((env) => env.sources.filter((s) => !nginxLabels.has(s.label)).map((source) => ({ env, source })));
  const dbs = d.resources.databases;
  const ready = [...b.inPhase('copy'), ...b.inPhase('verify')];
  const what = [viaNginx.length > 0 ? 'nginx answers 503' : null, stopped.length > 0 ? `stop ${[...new Set(stopped.map((a) => a.env.appName))].join(', ')}` : null, dbs.length > 0 ? 'databases read-only' : null, movedJobs.length > 0 ? 'moved cron jobs off' : null].filter((x) => x !== null);
  const nothingFound = viaNginx.length === 0 && stopped.length === 0;
  b.add(() => ({
    id: 'freeze-writes',
    phase: 'freeze',
    title: `Stop writes on the box: ${what.join(', ') || 'by hand'}`,
    why: `The final sync must copy data nobody writes to. The freeze clock starts here and stops when switch-dns is done (the runner journals both moments; skylift status shows the freeze time). ${viaNginx.length > 0 ? `Clients get 503 with Retry-After: ${RETRY_AFTER_SECONDS} from nginx, and connections already open through it (WebSockets) are cut; the app processes keep running until the switch, so undoing the freeze is instant. ` : ''}${dbs.length > 0 ? 'The databases are read-only, so cron jobs and admin tools cannot write either. ' : ''}${insideFreeze(dbs)}`,
    dependsOn: ready,
    preconditions: ['Every verify step passed.', 'Users were told about the maintenance window.', ...(d.resources.databases.some((db) => db.engine !== 'postgres') ? ['MySQL/MariaDB: accounts with SUPER (MariaDB: READ_ONLY ADMIN, e.g. root) are not stopped by read_only: no app connects as one.'] : [])],
    actions: [
      ...viaNginx.map((f) => nginxFreeze(f.label, f.nginx as NonNullable<WriteFreeze['nginx']>, true)),
      ...stopped.map((a) => appControl(a.env, a.source, 'stop')),
      ...(nothingFound ? [manual('Stop every program that writes to the box\'s databases and files (no app was found to stop automatically).')] : []),
      ...dbs.map((db) => dbFreeze(db, true)),
      ...movedJobs.map((j) => manual(`On ${j.source}, comment out the crontab line "${j.schedule} ${j.command}" (${j.id} moves to ${j.mapping}).`)),
    ],
    // A named server is checked by the nginx command itself; without one a person looks.
    verify: [
      ...viaNginx.flatMap((f) => (f.nginx?.check ? [] : [verify('http', { host: f.label, url: 'http://127.0.0.1/', via: 'ssh' }, { status: 503 })])),
      ...stopped.map((a) => verify('http', { host: a.source.label, url: `the app's local port (${a.env.appName})`, via: 'ssh' }, { refused: true })),
    ],
    undo: undoWith('Let writes in again: the databases writable, nginx\'s maintenance include removed (and stopped apps and commented crontab lines back).', [
      ...dbs.map((db) => dbFreeze(db, false)),
      ...viaNginx.map((f) => nginxFreeze(f.label, f.nginx as NonNullable<WriteFreeze['nginx']>, false)),
      ...stopped.map((a) => appControl(a.env, a.source, 'start')),
      ...(nothingFound ? [manual('Start again what was stopped for the freeze.')] : []),
      ...movedJobs.map((j) => manual(`On ${j.source}, uncomment the crontab line "${j.schedule} ${j.command}".`)),
    ]),
    minutes: [1, 2],
    inDowntime: true,
  }));
}

/** After the switch the apps the freeze left running behind nginx stop, so nothing on the box can write once AWS holds the data. */
export function stopBoxAppsStep(b: PlanBuilder, d: Design): void {
  const apps = appsBehindNginx(d);
  if (apps.length === 0) return;
  b.add(() => ({
    id: 'switch-stop-box-apps',
    phase: 'switch-dns',
    title: `Stop ${[...new Set(apps.map((a) => a.env.appName))].join(', ')} on the box`,
    why: 'They kept running behind the 503 so that undoing the freeze was instant; with writes on AWS they only risk a late write (a timer, a queue consumer).',
    dependsOn: ['switch-dns'],
    actions: apps.map((a) => appControl(a.env, a.source, 'stop')),
    undo: undoWith('Start the apps on the box again (still behind the 503 until the freeze is undone).', apps.map((a) => appControl(a.env, a.source, 'start'))),
    minutes: [1, 2],
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
