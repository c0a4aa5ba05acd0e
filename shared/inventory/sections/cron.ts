import type { CronJob } from '../../schema/inventory.js';
import { nonEmpty, readRecords, restOf } from '../parse-records.js';
import { sh } from '../probe-sh-helpers.js';
import { redactSecrets } from '../redact.js';
import type { ProbeSection } from '../section.js';

const MAX_JOBS = 2000;

/*
 * Lines: `line <TAB> crontab|cron.d|user-crontab <TAB> file <TAB> user-or-empty <TAB> crontab line`,
 * `periodic <TAB> hourly|daily|weekly|monthly <TAB> script`, `unreadable <TAB> dir`.
 * Comments and environment lines (`API_TOKEN=…`) are dropped on the box, so their values
 * never leave it; commands are redacted by the parser before anything is stored.
 */
const script = sh`
sky_cron() { # SOURCE FILE USER, crontab text on stdin
  awk -v s="$1" -v f="$2" -v u="$3" '
    /^[ \t]*(#|$)/ { next }
    /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=/ { next }
    { print "line\t" s "\t" f "\t" u "\t" $0 }'
}
[ -r /etc/crontab ] && sky_cron crontab /etc/crontab '' < /etc/crontab
for f in /etc/cron.d/*; do
  case "\${f##*/}" in *.*|*~) continue ;; esac
  [ -f "$f" ] && [ -r "$f" ] && sky_cron cron.d "$f" '' < "$f"
done
spool=
for d in /var/spool/cron/crontabs /var/spool/cron/tabs /var/spool/cron; do
  [ -d "$d" ] || continue
  if [ -r "$d" ] && [ -x "$d" ]; then
    for f in "$d"/*; do [ -f "$f" ] && [ -r "$f" ] && sky_cron user-crontab "$f" "\${f##*/}" < "$f"; done
    spool=1
  else
    printf 'unreadable\t%s\n' "$d"
  fi
  [ "$d" = /var/spool/cron/crontabs ] && [ -n "$spool" ] && break
done
if [ "$sky_uid" != 0 ] && sky_has crontab; then
  crontab -l 2>/dev/null | sky_cron user-crontab 'crontab -l' "$(id -un)"
fi
for p in hourly daily weekly monthly; do
  for f in /etc/cron.$p/*; do
    case "\${f##*/}" in *.*|*~) continue ;; esac
    [ -f "$f" ] && printf 'periodic\t%s\t%s\n' "$p" "$f"
  done
done
exit 0
`;

const SOURCES = new Set<CronJob['source']>(['crontab', 'cron.d', 'user-crontab']);
const SPECIAL = /^@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
const FIELD = /^[0-9A-Za-z*/,?#-]+$/;

/** `m h dom mon dow [user] command` or `@daily [user] command`; null for anything else. */
export function parseCronLine(line: string, withUser: boolean): { schedule: string; user: string | null; command: string } | null {
  let rest = line.trim();
  const words = rest.split(/\s+/);
  const count = words[0]?.startsWith('@') ? 1 : 5;
  const when = words.slice(0, count);
  if (when.length < count || (count === 1 ? !SPECIAL.test(when[0] ?? '') : !when.every((w) => FIELD.test(w)))) return null;
  for (let i = 0; i < count; i++) rest = rest.replace(/^\S+\s*/, '');
  let user: string | null = null;
  if (withUser) {
    const m = /^(\S+)\s+(.*)$/.exec(rest);
    if (!m) return null;
    user = m[1] ?? null;
    rest = m[2] ?? '';
  }
  const command = rest.trim();
  return command ? { schedule: when.join(' '), user, command: redactSecrets(command) } : null;
}

export const cronSection: ProbeSection = {
  name: 'cron',
  timeoutSeconds: 15,
  script,
  parse(raw, draft, ctx) {
    for (const { tag, fields } of readRecords(raw.text)) {
      if (draft.cron.length >= MAX_JOBS) break;
      if (tag === 'line') {
        const [source = '', file = '', user = ''] = fields;
        if (!SOURCES.has(source as CronJob['source']) || !file) continue;
        const src = source as CronJob['source'];
        const job = parseCronLine(restOf(fields, 3), src !== 'user-crontab');
        if (job) draft.cron.push({ source: src, file, user: job.user ?? nonEmpty(user), schedule: job.schedule, command: job.command });
      } else if (tag === 'periodic') {
        const [period = '', file = ''] = fields;
        if (!/^(hourly|daily|weekly|monthly)$/.test(period) || !file.startsWith('/')) continue;
        draft.cron.push({ source: 'cron.periodic', file, user: 'root', schedule: `@${period}`, command: file });
      } else if (tag === 'unreadable') {
        ctx.notRead.push({ what: `user crontabs in ${fields[0] ?? 'the cron spool'}`, reason: 'needs root or sudo (only your own crontab was read)' });
      }
    }
  },
};
