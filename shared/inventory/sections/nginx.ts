import type { Nginx } from '../../schema/inventory.js';
import { assembleNginxDump, splitNginxDump } from '../parse-nginx-config.js';
import { SH_NGINX, SH_PROC } from '../probe-shell.js';
import { readNginxConfig } from '../read-nginx-config.js';
import type { ProbeSection } from '../section.js';
import { readTagged, recordsOf, valueOf } from '../tagged-lines.js';

/*
 * Output: `absent`, or `version <nginx -v>` then per config read: `conf <path>` followed by the
 * `nginx -T` dump as `| ` lines, `err <line>` for what nginx said on stderr, and — when -T
 * failed (unprivileged: unreadable keys) — `fallback` followed by the readable config files
 * themselves in the same `# configuration file PATH:` form. Secret-looking directive values
 * (auth headers, secure_link_secret, credentials in URLs) are masked on the box. A master run
 * by another user gets only `err` with OTHER_USER: its config is neither run nor read.
 */
const OTHER_USER = 'nginx -T not run: this master belongs to another user';

const BODY = String.raw`
sky_targets=$(sky_nginx_targets) || { echo absent; exit 0; }
exec 3>&1
sky_first=1
printf '%s\n' "$sky_targets" | while IFS=$(printf '\t') read -r sky_b sky_c sky_x; do
  sky_v=$sky_b
  [ "$sky_v" = - ] && sky_v=$(command -v nginx)
  if [ -n "$sky_first" ] && [ -n "$sky_v" ]; then echo "version $("$sky_v" -v 2>&1 </dev/null | head -n 1)"; sky_first=; fi
  echo "conf $sky_c"
  if [ "$sky_b" = - ]; then
    # Not even its files: its config could include, or be a link to, a file only root may read.
    echo "err ${OTHER_USER}"
    continue
  fi
  set -- -T -c "$sky_c"
  [ -n "$sky_x" ] && set -- "$@" -p "$sky_x"
  sky_err=$( { $sky_tmo "$sky_b" "$@" 2>&4 </dev/null | sky_nginx_mask | sky_raw >&3; } 4>&1 )
  printf '%s\n' "$sky_err" | sed -n 's/^./err &/p'
  case $sky_err in *"test is successful"*) continue ;; esac
  echo fallback
  sky_nginx_files "$sky_c" | while IFS= read -r sky_f; do
    echo "| # configuration file $sky_f:"
    sky_nginx_mask < "$sky_f" | sky_raw
  done
done
`;

function failureReason(errors: string[], privileged: boolean): string {
  if (errors.includes(OTHER_USER)) return 'its master process runs as another user, so its config was neither run nor read';
  const emerg = errors.find((e) => /\[emerg\]/.test(e)) ?? errors.find((e) => e.trim() !== '') ?? 'no output';
  const who = privileged ? '' : 'needs root or sudo; ';
  return `nginx -T failed (${who}${emerg.replace(/^nginx:\s*/, '').slice(0, 300)}); servers were read from the config files readable without it`;
}

export const nginxSection: ProbeSection = {
  name: 'nginx',
  timeoutSeconds: 20,
  script: [SH_PROC, SH_NGINX, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const lines = readTagged(raw.text);
    const version = valueOf(lines, 'version');
    const confs = recordsOf(lines, 'conf');
    if (lines.some((l) => l.tag === 'absent') || (version === null && confs.length === 0)) return;
    const nginx: Nginx = {
      version: version === null ? null : (/nginx\/(\S+)/.exec(version)?.[1] ?? null),
      configFile: confs[0]?.[0]?.value.trim() || null,
      configRead: confs.length > 0,
      clientMaxBodySize: null,
      upstreams: [],
      servers: [],
    };
    for (const record of confs) {
      const conf = record[0]!;
      const errors = record.filter((l) => l.tag === 'err').map((l) => l.value);
      const fallback = record.find((l) => l.tag === 'fallback');
      const read = errors.some((e) => e.includes('test is successful')) && fallback === undefined;
      const dump = read ? conf.raw : (fallback?.raw ?? []);
      const findings = readNginxConfig(assembleNginxDump(splitNginxDump(dump.join('\n'))));
      nginx.clientMaxBodySize ??= findings.clientMaxBodySize;
      nginx.upstreams.push(...findings.upstreams);
      nginx.servers.push(...findings.servers);
      if (!read) {
        nginx.configRead = false;
        ctx.notRead.push({ what: `nginx effective config (${conf.value.trim()})`, reason: failureReason(errors, ctx.privilege !== 'user') });
      }
    }
    draft.webServers.nginx = nginx;
  },
};
