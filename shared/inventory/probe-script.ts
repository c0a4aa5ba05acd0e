import type { ProbeSection } from './section.js';

/** Marks that frame each section's output; nothing a section prints can start with them. */
export const MARK = {
  begin: '@@SKYLIFT-BEGIN ',
  end: '@@SKYLIFT-END ',
  meta: '@@SKYLIFT-META ',
  truncated: '@@SKYLIFT-TRUNCATED',
} as const;

/** Bytes of output kept per section; the rest is dropped on the box and the cut recorded. */
export const SECTION_CAP_BYTES = 512 * 1024;

/**
 * The fixed command line that runs the probe: the script itself always arrives on stdin,
 * never in the command line. It elevates with `sudo -n` only where that needs no password,
 * and never allocates a terminal or prompts.
 */
export function probeCommand(opts: { sudo: boolean }): string {
  const elevate = opts.sudo
    ? 'if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then exec sudo -n env SKY_VIA_SUDO=1 LC_ALL=C /bin/sh -s; fi; '
    : '';
  return `LC_ALL=C; export LC_ALL; ${elevate}exec /bin/sh -s`;
}

/**
 * Shell functions every section body can use. `sky_as USER CMD...` runs a command as another
 * OS user without a password (setpriv as root — runuser would log a PAM session on the box —
 * `sudo -n -u` otherwise) and fails at once when
 * that is not allowed. `sky_mask` replaces the value of KEY=VALUE / KEY: VALUE pairs by `***`
 * so values never leave the box.
 */
export const PRELUDE = String.raw`
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH
sky_has() { command -v "$1" >/dev/null 2>&1; }
sky_uid=$(id -u 2>/dev/null)
sky_as() {
  sky_u=$1; shift
  if [ "$(id -un 2>/dev/null)" = "$sky_u" ]; then "$@"
  elif [ "$sky_uid" = 0 ] && sky_has setpriv; then setpriv --reuid="$sky_u" --regid="$(id -g "$sky_u")" --init-groups -- "$@"
  elif [ "$sky_uid" = 0 ] && sky_has runuser; then runuser -u "$sky_u" -- "$@"
  elif [ "$sky_uid" = 0 ]; then su -s /bin/sh "$sky_u" -c '"$0" "$@"' "$@"
  else sudo -n -u "$sky_u" -- "$@"; fi
}
sky_mask() { sed -E 's/^([[:space:]]*(export[[:space:]]+)?[A-Za-z_][A-Za-z0-9_.-]*[[:space:]]*[=:]).*/\1***/'; }
`;

function heredocSafe(section: ProbeSection): string {
  const terminator = `SKYLIFT_SECTION_${section.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  if (section.script.includes(terminator)) throw new Error(`section ${section.name} contains its own terminator`);
  return terminator;
}

/** The whole probe: a prelude, then each section under `timeout`, framed and capped. */
export function buildProbeScript(sections: readonly ProbeSection[]): string {
  const parts = [
    '#!/bin/sh',
    '# Skylift inventory probe. Read-only: it writes, starts and changes nothing on this machine.',
    `# Each section runs under its own time limit; at most ${SECTION_CAP_BYTES} bytes of each are kept.`,
    'LC_ALL=C; export LC_ALL',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    `SKY_PRELUDE=$(cat <<'SKYLIFT_PRELUDE'\n${PRELUDE}\nSKYLIFT_PRELUDE\n)`,
    String.raw`sky_section() {
  sky_name=$1; sky_secs=$2; sky_body=$3
  echo "${MARK.begin}$sky_name"
  {
    if command -v timeout >/dev/null 2>&1; then
      timeout -k 2 "$sky_secs" /bin/sh -c "$SKY_PRELUDE
$sky_body" </dev/null 2>/dev/null
    else
      /bin/sh -c "$SKY_PRELUDE
$sky_body" </dev/null 2>/dev/null
    fi
    sky_rc=$?
    # A body whose last line lacks a newline must not glue it to the end mark.
    echo
    echo "${MARK.end}$sky_name rc=$sky_rc"
  } | awk -v cap=${SECTION_CAP_BYTES} '
    index($0, "${MARK.end}") == 1 { if (cut) print "${MARK.truncated}"; print; next }
    { n += length($0) + 1; if (n <= cap) print; else cut = 1 }'
}`,
    `echo "${MARK.meta}user=$(id -un 2>/dev/null) uid=$(id -u 2>/dev/null) sudo=\${SKY_VIA_SUDO:-0} timeout=$(command -v timeout >/dev/null 2>&1 && echo 1 || echo 0)"`,
  ];
  for (const s of sections) {
    const t = heredocSafe(s);
    parts.push(`sky_body=$(cat <<'${t}'\n${s.script.trim()}\n${t}\n)`);
    parts.push(`sky_section ${s.name} ${Math.max(1, Math.floor(s.timeoutSeconds))} "$sky_body"`);
  }
  parts.push(`echo "${MARK.meta}done"`);
  return parts.join('\n') + '\n';
}
