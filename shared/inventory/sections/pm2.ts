import type { Pm2App } from '../../schema/inventory.js';
import { nonEmpty, readRecords, toInt } from '../parse-records.js';
import { sh } from '../probe-sh-helpers.js';
import type { ProbeSection } from '../section.js';

/*
 * PM2 is never run (any `pm2` command may start a daemon). Running daemons are found by
 * their title "PM2 vX: God Daemon (PM2_HOME)"; their children are the apps. A small node
 * program, run as the daemon's or the dump's owner (never someone else's node as root),
 * reads each child's /proc/PID/environ (flat vars in fork mode, a `pm2_env` JSON in cluster
 * mode) and every <home>/.pm2/dump.pm2, and prints ONLY these fields and env NAMES:
 *   `app <TAB> proc|dump <TAB> pid-or-file <TAB> user <TAB> name <TAB> status <TAB> cwd <TAB> script <TAB> exec_mode <TAB> instances <TAB> module <TAB> NAME NAME…`
 * Other lines: `daemon <TAB> pid <TAB> user <TAB> home`, `error <TAB> what <TAB> reason`.
 */
const READER_JS = String.raw`
const fs = require("fs");
const [who, ...args] = process.argv.slice(1);
const c = (v) => String(v == null ? "" : v).replace(/[\t\r\n]/g, " ");
const names = (o) => Object.keys(o && typeof o === "object" ? o : {}).filter((n) => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(n)).join(" ");
const out = (src, id, o, env) => console.log(["app", src, id, who, c(o.name), c(o.status), c(o.pm_cwd), c(o.pm_exec_path), c(o.exec_mode), c(o.instances), o.pmx_module ? "1" : "", names(env)].join("\t"));
for (const a of args) {
  try {
    if (a.startsWith("/proc/")) {
      const env = {};
      for (const kv of fs.readFileSync(a + "/environ", "latin1").split("\0")) { const i = kv.indexOf("="); if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1); }
      let o = env;
      if (env.pm2_env) { try { o = JSON.parse(env.pm2_env); } catch (e) { o = {}; } }
      if (o.name !== undefined) out("proc", a.slice(6), o, env);
    } else {
      const list = JSON.parse(fs.readFileSync(a, "utf8"));
      for (const o of Array.isArray(list) ? list : []) if (o && typeof o === "object") out("dump", a, o, o.env);
    }
  } catch (e) { console.log(["error", a, c((e && e.code) || "unreadable")].join("\t")); }
}
`;

const script = `sky_reader='${READER_JS.trim()}'\n` + sh`
set -f
sky_read() { # USER NODE ARGS…: the reader, run as USER
  sky_read_u=$1; sky_read_n=$2; shift 2
  if [ -z "$sky_read_n" ]; then for a in "$@"; do printf 'error\t%s\tno-node\n' "$a"; done; return; fi
  sky_as "$sky_read_u" "$sky_read_n" -e "$sky_reader" "$sky_read_u" "$@" 2>/dev/null || for a in "$@"; do printf 'error\t%s\tEPERM\n' "$a"; done
}
psl=$(ps -eo pid=,ppid=,user:32=,args= 2>/dev/null || ps -o pid,ppid,user,args 2>/dev/null)
daemons=$(printf '%s\n' "$psl" | awk '$4 == "PM2" && $5 ~ /^v[0-9]/ { h = ""; if (match($0, /\(.*\)$/)) h = substr($0, RSTART + 1, RLENGTH - 2); print $1 "\t" $3 "\t" h }')
homes=""
IFS='
'
for d in $daemons; do
  pid=$(printf '%s' "$d" | cut -f1); user=$(printf '%s' "$d" | cut -f2); home=$(printf '%s' "$d" | cut -f3)
  # The title is cut to the length of the daemon's original argv, often inside PM2_HOME:
  # then the daemon's own environment (that one variable only), else the owner's ~/.pm2.
  if [ -z "$home" ] || [ ! -d "$home" ]; then
    home=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^PM2_HOME=//p' | head -n 1)
  fi
  [ -n "$home" ] || home="$(awk -F: -v u="$user" '$1 == u { print $6 }' /etc/passwd 2>/dev/null)/.pm2"
  printf 'daemon\t%s\t%s\t%s\n' "$pid" "$user" "$home"
  homes="$homes
$home"
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
  [ -x "$exe" ] || exe=$(command -v node)
  kids=$(printf '%s\n' "$psl" | awk -v p="$pid" '$2 == p { print "/proc/" $1 }' | head -n 200)
  [ -n "$kids" ] && sky_read "$user" "$exe" $kids
done
set +f
homes="$homes
$(awk -F: '$6 != "" { print $6 "/.pm2" }' /etc/passwd 2>/dev/null)
$(for h in /root /home/*; do echo "$h/.pm2"; done)"
set -f
for h in $(printf '%s\n' "$homes" | sort -u); do
  f="$h/dump.pm2"
  [ -f "$f" ] || continue
  exe=$(command -v node)
  set +f
  [ -n "$exe" ] || for n in "\${h%/.pm2}"/.nvm/versions/node/*/bin/node /usr/local/n/versions/node/*/bin/node; do [ -x "$n" ] && { exe=$n; break; }; done
  set -f
  if [ "$sky_uid" = 0 ]; then sky_read "$(stat -c %U "$f" 2>/dev/null || echo root)" "$exe" "$f"
  elif [ -r "$f" ]; then sky_read "$(id -un)" "$exe" "$f"
  else printf 'error\t%s\tEACCES\n' "$f"; fi
done
exit 0
`;

/** Set by PM2 itself or by the login session that started it: not the app's configuration. */
const NOT_APP_ENV = new Set(
  (
    'env name status namespace filter_env node_args args exec_interpreter exec_mode instances instance_var watch autorestart autostart vizion ' +
    'vizion_running merge_logs km_link treekill automation pmx windowsHide username kill_retry_time unique_id created_at restart_time ' +
    'unstable_restarts version node_version pm2_env SILENT NODE_APP_INSTANCE NODE_UNIQUE_ID NODE_CHANNEL_FD NODE_CHANNEL_SERIALIZATION_MODE ' +
    '_ SHELL PWD OLDPWD HOME USER LOGNAME MAIL LANG LANGUAGE TERM SHLVL PATH MOTD_SHOWN LS_COLORS LESSOPEN LESSCLOSE HOSTNAME ' +
    'DBUS_SESSION_BUS_ADDRESS INVOCATION_ID JOURNAL_STREAM SYSTEMD_EXEC_PID MANPATH'
  ).split(' '),
);
const NOT_APP_ENV_PREFIX = /^(pm_|axm_|PM2_|_pm2|SSH_|XDG_|SUDO_|NVM_|LC_)/;

/** A dump's env also holds a per-app object keyed by the app's name: not a variable either. */
function appEnvNames(text: string, app: string): string[] {
  const names = text.split(' ').filter((n) => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(n) && n !== app && !NOT_APP_ENV.has(n) && !NOT_APP_ENV_PREFIX.test(n));
  return [...new Set(names)].sort();
}

export const pm2Section: ProbeSection = {
  name: 'pm2',
  timeoutSeconds: 30,
  script,
  parse(raw, draft, ctx) {
    const apps = new Map<string, Pm2App>();
    for (const { tag, fields } of readRecords(raw.text)) {
      if (tag === 'error') {
        const what = fields[0]?.startsWith('/proc/') ? `PM2 app process ${fields[0].slice(6)}` : `PM2 dump ${fields[0] ?? ''}`;
        const code = fields[1] ?? '';
        const why =
          code === 'EACCES' || code === 'EPERM'
            ? 'needs root or sudo'
            : code === 'no-node'
              ? 'no node binary on the box to read it'
              : code === 'ENOENT'
                ? 'it went away while being read'
                : `could not be read (${code.slice(0, 40)})`;
        ctx.notRead.push({ what, reason: why });
        continue;
      }
      if (tag !== 'app') continue;
      const [src, id = '', user = '', name = '', status, cwd, exec, mode, instances, isModule, env = ''] = fields;
      if ((src !== 'proc' && src !== 'dump') || !nonEmpty(name) || isModule === '1') continue;
      const source = src === 'proc' ? 'process' : 'dump';
      const pid = source === 'process' ? toInt(id) : null;
      // One entry per app and origin: cluster workers and dumped instances share a name (and a
      // directory); two daemons of one user (separate PM2_HOMEs) may each run an app so named.
      const key = `${source}\0${source === 'dump' ? id : user}\0${name}\0${cwd ?? ''}`;
      const seen = apps.get(key);
      if (seen) {
        if (pid !== null && (seen.pid === null || pid < seen.pid)) seen.pid = pid;
        if (toInt(instances) === null) seen.instances = (seen.instances ?? 1) + 1;
        continue;
      }
      apps.set(key, {
        name: name.trim(),
        user: nonEmpty(user),
        pid,
        // A process that exists is running; the status in its environment is the one from launch time.
        status: source === 'process' ? 'online' : nonEmpty(status),
        cwd: nonEmpty(cwd),
        script: nonEmpty(exec),
        execMode: nonEmpty(mode),
        instances: toInt(instances) ?? 1,
        source,
        envNames: appEnvNames(env, name),
      });
    }
    draft.runtimes.pm2.apps.push(...apps.values());
  },
};
