import type { App, EnvName, Inventory, Pm2App } from '../../schema/inventory.js';
import { dependencyFlags, ecosystemEnvNames, ENV_NAME, packageJsonOf, type PackageJson } from '../app-files.js';
import { blankApp } from '../blank-app.js';
import { toInt } from '../parse-records.js';
import { SH_MASK, SH_NGINX, SH_PROC } from '../probe-shell.js';
import { isSecretName, redactSecrets } from '../redact.js';
import type { ProbeSection } from '../section.js';
import { readTagged, recordsOf, valueOf, type TaggedLine } from '../tagged-lines.js';

/*
 * Finds Node.js app directories — running node processes (cwd, script; PM2's pm_cwd /
 * pm_exec_path / name read from their environ, nothing else), PM2 dump files, systemd units'
 * WorkingDirectory / ExecStart script, nginx roots with a package.json nearby — and reports per
 * directory, never a value of an environment variable:
 *   app <dir>
 *   found <process|pm2|systemd|nginx> <pid|pm2 name|unit>
 *   envfile <path>, then env <NAME> lines     (.env*, systemd EnvironmentFile)
 *   wdir <kB|-> <files|-> <relative dir>     (uploads/, public/uploads/, storage/, files/)
 *   procfile, then | lines                   (only `type: command` lines, inline NAME=value masked)
 *   eco <path>, then | lines                 (`KEY:` and bracket tokens only: values dropped on the box)
 *   gitbranch <name> / gitcommit <sha> / gitremote <url, userinfo masked>
 *   size <kB>
 * and, after all apps: `pkg <dir>\t<json>` (fields picked by node, inline values masked) or,
 * without node, `pkgraw <dir>` followed by the masked package.json as | lines. App dirs may
 * belong to other users: a symlinked Procfile or package.json is not read (it could point at a
 * root-only file), a node binary is run only when root's or the prober's own, and a commit is
 * printed only when it is hex.
 */
const BODY = String.raw`
sky_tab=$(printf '\t')
sky_nl='
'
sky_old_ifs=$IFS
sky_cands=
sky_add() { sky_cands="$sky_cands$1$sky_tab$2$sky_tab$3$sky_tab$4$sky_nl"; }
sky_pkgdir() {
  sky_pd_d=$1; sky_pd_i=0
  while [ -n "$sky_pd_d" ] && [ "$sky_pd_d" != / ] && [ "$sky_pd_d" != . ] && [ $sky_pd_i -lt 4 ]; do
    [ -f "$sky_pd_d/package.json" ] && { echo "$sky_pd_d"; return 0; }
    sky_pd_d=$(dirname "$sky_pd_d"); sky_pd_i=$((sky_pd_i + 1))
  done
  return 1
}
sky_appdir() {
  sky_ad_s=$2
  case $sky_ad_s in ''|/*) ;; *) sky_ad_s=$1/$sky_ad_s ;; esac
  [ -n "$1" ] && sky_pkgdir "$1" && return 0
  if [ -n "$sky_ad_s" ]; then sky_pkgdir "$(dirname "$sky_ad_s")" || dirname "$sky_ad_s"; return 0; fi
  [ -n "$1" ] && [ "$1" != / ] && echo "$1"
}
sky_script() {
  while [ $# -gt 0 ]; do
    case $1 in
      -r|--require|--import|--loader|--experimental-loader|-C|--conditions|--title|--inspect-port) [ $# -gt 1 ] && shift ;;
      -e|--eval|-p|--print) return 1 ;;
      -*) ;;
      *) echo "$1"; return 0 ;;
    esac
    shift
  done
  return 1
}
sky_add_dir() {
  case $1 in ''|*/node_modules|*/node_modules/*) return ;; esac
  sky_add "$1" "$2" "$3" "$4"
}

sky_nodes=$( { sky_pids node nodejs
  ls -l /proc/[0-9]*/exe 2>/dev/null | sed -n -E 's#.* /proc/([0-9]+)/exe -> (.*/)?(node|nodejs)( \(deleted\))?$#\1#p'; } | sort -u)
sky_node=$(command -v node || command -v nodejs)
for sky_p in $sky_nodes; do
  [ -n "$sky_node" ] || { sky_node=$(sky_exe "$sky_p"); sky_trusted "$sky_node" || sky_node=; }
  sky_t=$(sky_title "$sky_p")
  case $sky_t in *"God Daemon"*|'') continue ;; esac
  sky_pm=$(tr '\0' '\n' < "/proc/$sky_p/environ" 2>/dev/null | grep -E '^(pm_cwd|pm_exec_path|name)=')
  sky_pmcwd=$(printf '%s\n' "$sky_pm" | sed -n 's/^pm_cwd=//p' | head -n 1)
  if [ -n "$sky_pmcwd" ]; then
    sky_d=$(sky_appdir "$sky_pmcwd" "$(printf '%s\n' "$sky_pm" | sed -n 's/^pm_exec_path=//p' | head -n 1)")
    sky_add_dir "$sky_d" pm2 "$(printf '%s\n' "$sky_pm" | sed -n 's/^name=//p' | head -n 1)"
  else
    set -f; set -- $sky_t; set +f
    shift
    sky_d=$(sky_appdir "$(readlink "/proc/$sky_p/cwd" 2>/dev/null)" "$(sky_script "$@")")
    sky_add_dir "$sky_d" process "$sky_p"
  fi
done
[ -n "$sky_node" ] || for sky_f in /root/.nvm/versions/node/*/bin/node /home/*/.nvm/versions/node/*/bin/node; do
  [ -x "$sky_f" ] && sky_trusted "$sky_f" && sky_node=$sky_f
done

if [ -n "$sky_node" ]; then
  set --
  for sky_f in /root/.pm2/dump.pm2 /home/*/.pm2/dump.pm2; do [ -r "$sky_f" ] && set -- "$@" "$sky_f"; done
  if [ $# -gt 0 ]; then
    sky_dump=$($sky_tmo "$sky_node" -e '
      const fs = require("fs");
      for (const f of process.argv.slice(1)) {
        try {
          for (const a of JSON.parse(fs.readFileSync(f, "utf8"))) {
            if (a && typeof a.pm_cwd === "string") console.log([a.pm_cwd, a.pm_exec_path || "", a.name || ""].join("\t"));
          }
        } catch (e) {}
      }' "$@" 2>/dev/null </dev/null)
    IFS=$sky_nl; set -f
    for sky_l in $sky_dump; do
      IFS=$sky_old_ifs; set +f
      sky_c=$(printf '%s\n' "$sky_l" | cut -f1); sky_e=$(printf '%s\n' "$sky_l" | cut -f2); sky_n=$(printf '%s\n' "$sky_l" | cut -f3)
      sky_add_dir "$(sky_appdir "$sky_c" "$sky_e")" pm2 "$sky_n"
    done
    IFS=$sky_old_ifs; set +f
  fi
fi

sky_unit_awk='
  function flush() { if (id != "" && (wd != "" || sc != "")) print id "\t" wd "\t" sc "\t" ef; id = ""; wd = ""; sc = ""; ef = "" }
  /^Id=/ { id = substr($0, 4) }
  /^[ \t]*WorkingDirectory=/ { wd = $0; sub(/^[^=]*=[-!]?/, "", wd) }
  /^[ \t]*ExecStart=/ { n = split($0, a, /[ \t]+/); for (i = 1; i <= n; i++) if (sc == "" && a[i] ~ /^\/.*\.(js|mjs|cjs)$/) sc = a[i] }
  /^[ \t]*EnvironmentFiles?=/ { f = $0; sub(/^[^=]*=-?/, "", f); sub(/ \(ignore_errors=.*$/, "", f); if (f != "") ef = ef " " f }
  /^$/ { if (show) flush() }
  END { flush() }'
if [ -d /run/systemd/system ] && sky_has systemctl; then
  sky_units=$(systemctl list-units --type=service --all --no-legend --plain 2>/dev/null </dev/null | awk '$1 ~ /\.service$/ { print $1 }')
  sky_sd=
  [ -n "$sky_units" ] && sky_sd=$($sky_tmo systemctl show -p Id -p WorkingDirectory -p ExecStart -p EnvironmentFiles $sky_units 2>/dev/null </dev/null | awk -v show=1 "$sky_unit_awk")
else
  sky_sd=$(for sky_f in /etc/systemd/system/*.service; do [ -r "$sky_f" ] && awk -v id="$(basename "$sky_f")" "$sky_unit_awk" "$sky_f"; done)
fi
IFS=$sky_nl; set -f
for sky_l in $sky_sd; do
  IFS=$sky_old_ifs; set +f
  sky_u=$(printf '%s\n' "$sky_l" | cut -f1); sky_w=$(printf '%s\n' "$sky_l" | cut -f2); sky_s=$(printf '%s\n' "$sky_l" | cut -f3)
  case $sky_w in /*) ;; *) sky_w= ;; esac
  if [ -n "$sky_s" ] || { [ -n "$sky_w" ] && sky_pkgdir "$sky_w" >/dev/null; }; then
    sky_add_dir "$(sky_appdir "$sky_w" "$sky_s")" systemd "$sky_u" "$(printf '%s\n' "$sky_l" | cut -f4)"
  fi
done
IFS=$sky_old_ifs; set +f

sky_roots=$(sky_nginx_targets 2>/dev/null | while IFS=$sky_tab read -r sky_b sky_c sky_x; do
  sky_nginx_files "$sky_c" | while IFS= read -r sky_f; do
    sed -n 's/^[[:space:]]*root[[:space:]][[:space:]]*\([^;]*\);.*/\1/p' "$sky_f" | tr -d "\"'"
  done
done | awk '!seen[$0]++')
IFS=$sky_nl; set -f
for sky_r in $sky_roots; do
  IFS=$sky_old_ifs; set +f
  case $sky_r in /*) sky_d=$(sky_pkgdir "$sky_r") && sky_add_dir "$sky_d" nginx "" ;; esac
done
IFS=$sky_old_ifs; set +f

sky_dirs=$(printf '%s' "$sky_cands" | cut -f1 | awk 'NF && !seen[$0]++' | head -n 30)
[ -n "$sky_dirs" ] || exit 0
IFS=$sky_nl; set -f
for sky_d in $sky_dirs; do
  IFS=$sky_old_ifs; set +f
  echo "app $sky_d"
  printf '%s' "$sky_cands" | awk -F '\t' -v d="$sky_d" '$1 == d { print "found " $2 " " $3 }' | sort -u
  for sky_f in $(printf '%s' "$sky_cands" | awk -F '\t' -v d="$sky_d" '$1 == d { print $4 }') "$sky_d"/.env "$sky_d"/.env.*; do
    [ -f "$sky_f" ] && [ -r "$sky_f" ] || continue
    echo "envfile $sky_f"
    sky_env_names < "$sky_f" | head -n 300 | sed 's/^/env /'
  done
  for sky_w in uploads public/uploads storage files; do
    [ -d "$sky_d/$sky_w" ] || continue
    sky_kb=$($sky_tmo du -sk "$sky_d/$sky_w" 2>/dev/null | cut -f1)
    sky_n=$($sky_tmo find "$sky_d/$sky_w" -type f 2>/dev/null | wc -l | tr -d ' ')
    echo "wdir $sky_kb $sky_n $sky_w"
  done
  if [ -f "$sky_d/Procfile" ] && [ ! -L "$sky_d/Procfile" ]; then
    echo procfile
    grep -E '^[A-Za-z0-9_-]+:[[:space:]]' "$sky_d/Procfile" | head -n 20 | sky_mask_inline | sky_raw
  fi
  for sky_f in ecosystem.config.js ecosystem.config.cjs ecosystem.json; do
    [ -f "$sky_d/$sky_f" ] && { echo "eco $sky_d/$sky_f"; head -n 500 "$sky_d/$sky_f" | sky_keys_only | sky_raw; }
  done
  sky_g=$sky_d/.git
  if [ -f "$sky_g/HEAD" ]; then
    sky_h=$(head -n 1 "$sky_g/HEAD")
    case $sky_h in
      "ref: "*)
        sky_ref=$(echo "$sky_h" | sed 's/^ref: //')
        echo "gitbranch $(echo "$sky_ref" | sed 's#^refs/heads/##')"
        sky_c=$(cat "$sky_g/$sky_ref" 2>/dev/null) || sky_c=$(awk -v r="$sky_ref" '$2 == r { print $1 }' "$sky_g/packed-refs" 2>/dev/null)
        ;;
      *) sky_c=$sky_h ;;
    esac
    case $sky_c in *[!0-9a-f]*) sky_c= ;; esac
    echo "gitcommit $sky_c"
    awk '/^\[remote "/ { r = ($0 ~ /^\[remote "origin"\]/) ? 2 : 1; next } /^\[/ { r = 0 }
      r && /^[ \t]*url[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); print r " " $0 }' "$sky_g/config" 2>/dev/null |
      sort -r | head -n 1 | cut -d' ' -f2- | sky_mask_inline | sed 's/^/gitremote /'
  fi
  echo "size $($sky_tmo du -sk "$sky_d" 2>/dev/null | cut -f1)"
done
IFS=$sky_old_ifs; set +f

set --
IFS=$sky_nl; set -f
for sky_d in $sky_dirs; do set -- "$@" "$sky_d"; done
IFS=$sky_old_ifs; set +f
if [ -n "$sky_node" ]; then
  $sky_tmo "$sky_node" -e '
    const fs = require("fs");
    const mask = (s) => typeof s !== "string" ? s
      : s.replace(/:\/\/[^\/@\s"]*@/g, "://***@").replace(/([A-Za-z_]\w*)=("[^"]*"|\x27[^\x27]*\x27|[^\s"\x27;]*)/g, "$1=***");
    const pick = (deps) => deps && typeof deps === "object"
      ? Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, mask(v)])) : undefined;
    for (const d of process.argv.slice(1)) {
      let p;
      try {
        if (fs.lstatSync(d + "/package.json").isSymbolicLink()) continue;
        p = JSON.parse(fs.readFileSync(d + "/package.json", "utf8"));
      } catch (e) { continue; }
      if (!p || typeof p !== "object") continue;
      console.log("pkg " + d + "\t" + JSON.stringify({
        name: p.name, version: p.version, main: p.main,
        engines: p.engines && { node: p.engines.node },
        scripts: p.scripts && { start: mask(p.scripts.start) },
        dependencies: pick(p.dependencies), devDependencies: pick(p.devDependencies),
      }));
    }' "$@" 2>/dev/null </dev/null
else
  for sky_d in "$@"; do
    [ -r "$sky_d/package.json" ] && [ ! -L "$sky_d/package.json" ] || continue
    echo "pkgraw $sky_d"
    head -c 262144 "$sky_d/package.json" | sky_mask_inline | sky_raw
  done
fi
`;

function basename(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() || path;
}

function pm2EnvNames(a: Pm2App): EnvName[] {
  return a.envNames.filter((n) => ENV_NAME.test(n)).map((name) => ({ name, source: `pm2 ${a.name}`, secret: isSecretName(name) }));
}

function envNamesOf(lines: TaggedLine[], draft: Inventory, units: string[], pm2Env: EnvName[]): EnvName[] {
  const out: EnvName[] = [];
  const add = (name: string, source: string) => {
    if (ENV_NAME.test(name) && !out.some((e) => e.name === name && e.source === source)) out.push({ name, source, secret: isSecretName(name) });
  };
  let file: string | null = null;
  for (const l of lines) {
    if (l.tag === 'envfile') file = l.value.trim();
    else if (l.tag === 'env' && file !== null) add(l.value.trim(), file);
    else file = null;
    if (l.tag === 'eco') for (const name of ecosystemEnvNames(l.raw)) add(name, l.value.trim());
  }
  for (const unit of units) {
    for (const name of draft.services.units.find((u) => u.name === unit)?.environmentNames ?? []) add(name, `systemd ${unit}`);
  }
  for (const e of pm2Env) add(e.name, e.source);
  return out;
}

function appOf(lines: TaggedLine[], packages: Map<string, PackageJson | null>, draft: Inventory): App {
  const dir = lines[0]!.value;
  const found = lines.filter((l) => l.tag === 'found').map((l) => /^(\S+)\s*(.*)$/.exec(l.value) ?? ['', '', '']);
  const foundBy = [...new Set(found.map((f) => f[1]).filter((s): s is App['foundBy'][number] => s === 'pm2' || s === 'systemd' || s === 'process' || s === 'nginx'))];
  const pm2Apps = draft.runtimes.pm2.apps.filter((a) => a.cwd === dir || (a.script?.startsWith(`${dir}/`) ?? false));
  if (pm2Apps.length > 0 && !foundBy.includes('pm2')) foundBy.push('pm2');
  const pm2Name = found.find((f) => f[1] === 'pm2' && f[2])?.[2] ?? pm2Apps[0]?.name ?? null;
  const units = found.filter((f) => f[1] === 'systemd' && f[2]).map((f) => f[2]!);
  const packageJson = packages.get(dir) ?? null;
  const writableDirs = lines
    .filter((l) => l.tag === 'wdir')
    .map((l) => /^(\S*) (\S*) (.+)$/.exec(l.value))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const kb = toInt(m[1]);
      return { path: `${dir}/${m[3]}`, sizeBytes: kb === null ? null : kb * 1024, files: toInt(m[2]) };
    });
  const commit = valueOf(lines, 'gitcommit');
  const branch = valueOf(lines, 'gitbranch');
  const remote = valueOf(lines, 'gitremote');
  const hasGit = lines.some((l) => l.tag === 'gitcommit' || l.tag === 'gitbranch');
  const sizeKb = toInt(valueOf(lines, 'size') ?? undefined);
  const procfile = lines.find((l) => l.tag === 'procfile');
  return {
    name: pm2Name ?? packageJson?.name ?? basename(dir),
    dir,
    foundBy,
    packageJson,
    flags: dependencyFlags(packageJson?.dependencies ?? {}, writableDirs),
    procfile: procfile ? redactSecrets(procfile.raw.join('\n')).trim() || null : null,
    ecosystemFile: valueOf(lines, 'eco'),
    git: hasGit
      ? {
          remote: remote === null ? null : redactSecrets(remote),
          commit: commit !== null && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) ? commit : null,
          branch: branch !== null && !branch.startsWith('ref') ? branch : null,
        }
      : null,
    sizeBytes: sizeKb === null ? null : sizeKb * 1024,
    writableDirs,
    envNames: envNamesOf(lines, draft, units, pm2Apps.flatMap(pm2EnvNames)),
    ports: [],
  };
}

/** PM2 apps that the pm2 section saw but no directory here matched (e.g. their dump was unreadable to us). */
function pm2OnlyApps(draft: Inventory): App[] {
  const apps: App[] = [];
  for (const a of draft.runtimes.pm2.apps) {
    const dir = a.script?.startsWith('/') ? a.script.replace(/\/[^/]*$/, '') || '/' : a.cwd;
    if (!dir || draft.apps.some((x) => x.dir === dir || x.dir === a.cwd) || apps.some((x) => x.dir === dir)) continue;
    const app = blankApp(a.name, dir, ['pm2']);
    app.envNames = pm2EnvNames(a);
    apps.push(app);
  }
  return apps;
}

export const appsSection: ProbeSection = {
  name: 'apps',
  timeoutSeconds: 90,
  script: [SH_PROC, SH_NGINX, SH_MASK, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const lines = readTagged(raw.text);
    const packages = new Map<string, PackageJson | null>();
    for (const l of lines) {
      if (l.tag === 'pkg') {
        const tab = l.value.indexOf('\t');
        if (tab > 0) packages.set(l.value.slice(0, tab), packageJsonOf(l.value.slice(tab + 1)));
      } else if (l.tag === 'pkgraw') {
        packages.set(l.value, packageJsonOf(l.raw.join('\n')));
      }
    }
    for (const rec of recordsOf(lines, 'app')) {
      const app = appOf(rec, packages, draft);
      draft.apps.push(app);
      if (packages.has(app.dir) && app.packageJson === null) ctx.notRead.push({ what: `${app.dir}/package.json`, reason: 'not valid JSON' });
    }
    draft.apps.push(...pm2OnlyApps(draft));
  },
};
