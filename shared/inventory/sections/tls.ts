import type { Certificate } from '../../schema/inventory.js';
import { SH_NGINX, SH_PROC } from '../probe-shell.js';
import type { ProbeSection } from '../section.js';
import { readTagged, recordsOf } from '../tagged-lines.js';

/*
 * Output: `cert <source> <path>` per certificate in use, followed by openssl's `| subject=`,
 * `| issuer=`, `| notBefore=`, `| notAfter=` and Subject Alternative Name lines, or by
 * `unreadable`. `nolive` when /etc/letsencrypt/live exists but cannot be listed; `noopenssl`.
 * Only certificate files are ever opened: paths come from ssl_certificate / SSLCertificateFile
 * (never the *_key directives) and from the cert.pem of each certbot live directory.
 */
const BODY = String.raw`
sky_tab=$(printf '\t')
sky_has openssl || { echo noopenssl; exit 0; }
sky_paths=$(
  { sky_nginx_targets | while IFS=$sky_tab read -r sky_b sky_c sky_x; do
      sky_d=$(dirname "$sky_c")
      sky_nginx_files "$sky_c" | while IFS= read -r sky_f; do
        sed -n 's/^[[:space:]]*ssl_certificate[[:space:]][[:space:]]*\([^;]*\);.*/\1/p' "$sky_f" | tr -d "\"'" |
        while IFS= read -r sky_p; do
          case $sky_p in *'$'*) continue ;; /*) ;; *) sky_p=$sky_d/$sky_p ;; esac
          echo "nginx$sky_tab$sky_p"
        done
      done
    done
    for sky_f in /etc/apache2/sites-enabled/* /etc/apache2/conf-enabled/* /etc/apache2/mods-enabled/*.conf /etc/httpd/conf/*.conf /etc/httpd/conf.d/*.conf; do
      [ -f "$sky_f" ] && [ -r "$sky_f" ] || continue
      sed -n 's/^[[:space:]]*SSLCertificateFile[[:space:]][[:space:]]*\([^[:space:]]*\).*/\1/p' "$sky_f" | tr -d "\"'" |
      while IFS= read -r sky_p; do echo "apache$sky_tab$sky_p"; done
    done
  } | awk -F '\t' 'NF == 2 && !seen[$2]++'
)
if [ -d /etc/letsencrypt/live ]; then
  if [ -r /etc/letsencrypt/live ] && [ -x /etc/letsencrypt/live ]; then
    for sky_d in /etc/letsencrypt/live/*; do
      [ -d "$sky_d" ] || continue
      case $sky_paths in *"$sky_tab$sky_d/"*) continue ;; esac
      if [ -e "$sky_d/cert.pem" ]; then sky_p=$sky_d/cert.pem; else sky_p=$sky_d/fullchain.pem; fi
      sky_paths="$sky_paths
letsencrypt$sky_tab$sky_p"
    done
  else
    echo nolive
  fi
fi
printf '%s\n' "$sky_paths" | while IFS=$sky_tab read -r sky_src sky_p; do
  [ -n "$sky_p" ] || continue
  echo "cert $sky_src $sky_p"
  if ! openssl x509 -in "$sky_p" -noout -nameopt RFC2253 -subject -issuer -dates -ext subjectAltName 2>/dev/null </dev/null | sky_raw | grep .; then
    if openssl x509 -in "$sky_p" -noout -nameopt RFC2253 -subject -issuer -dates 2>/dev/null </dev/null | sky_raw | grep .; then
      openssl x509 -in "$sky_p" -noout -text 2>/dev/null </dev/null | grep -A1 'Subject Alternative Name' | sky_raw
    else
      echo unreadable
    fi
  fi
done
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** openssl's `Nov 26 12:58:27 2026 GMT` → ISO 8601, or null. */
export function opensslDateToIso(text: string | undefined): string | null {
  const m = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})\s+GMT$/.exec(text?.trim() ?? '');
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  const d = new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function certificateOf(source: string, path: string, lines: string[]): Certificate {
  const field = (name: string) => lines.find((l) => l.trim().startsWith(`${name}=`))?.trim().slice(name.length + 1).trim() ?? null;
  const sanIndex = lines.findIndex((l) => /Subject Alternative Name/.test(l));
  const san = sanIndex >= 0 ? (lines[sanIndex + 1] ?? '') : '';
  const dns = [...san.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]!);
  const subject = field('subject');
  const cn = subject ? /(?:^|,)CN=((?:\\.|[^,])+)/.exec(subject)?.[1]?.replace(/\\(.)/g, '$1') : undefined;
  return {
    path,
    subject,
    names: dns.length > 0 ? [...new Set(dns)] : cn ? [cn] : [],
    issuer: field('issuer'),
    notBefore: opensslDateToIso(field('notBefore') ?? undefined),
    notAfter: opensslDateToIso(field('notAfter') ?? undefined),
    // A certbot certificate stays one whichever server config also names it.
    source: path.startsWith('/etc/letsencrypt/') || source === 'letsencrypt' ? 'letsencrypt' : source === 'apache' ? 'apache' : 'nginx',
  };
}

export const tlsSection: ProbeSection = {
  name: 'tls',
  timeoutSeconds: 20,
  script: [SH_PROC, SH_NGINX, BODY].join('\n'),
  parse(raw, draft, ctx) {
    const lines = readTagged(raw.text);
    if (lines.some((l) => l.tag === 'noopenssl')) ctx.notRead.push({ what: 'TLS certificates', reason: 'openssl is not installed on the box' });
    if (lines.some((l) => l.tag === 'nolive')) {
      ctx.notRead.push({ what: "Let's Encrypt certificates (/etc/letsencrypt/live)", reason: 'the directory needs root or sudo to list' });
    }
    for (const record of recordsOf(lines, 'cert')) {
      const head = record[0]!;
      const sp = head.value.indexOf(' ');
      if (sp <= 0) continue;
      const source = head.value.slice(0, sp);
      const path = head.value.slice(sp + 1);
      if (record.some((l) => l.tag === 'unreadable')) {
        ctx.notRead.push({ what: `certificate ${path}`, reason: ctx.privilege === 'user' ? 'not readable without root or sudo' : 'missing or not a certificate' });
        continue;
      }
      draft.tls.certificates.push(certificateOf(source, path, head.raw));
    }
  },
};
