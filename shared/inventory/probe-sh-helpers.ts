/**
 * Writing POSIX sh (dash, busybox sh) inside TypeScript, and snippets shared by the system
 * sections' bodies. Snippets only define functions; a body prepends the ones it uses.
 */

/**
 * Shell text, taken raw (`\t` stays backslash-t for printf/awk), except that `\${` — how a
 * template literal spells a parameter expansion — becomes `${`. Only numbers interpolate.
 */
export function sh(strings: TemplateStringsArray, ...values: number[]): string {
  return strings.raw
    .map((s, i) => s.replaceAll('\\${', '${') + (i < values.length ? String(values[i]) : ''))
    .join('');
}

/** `sky_timeout SECS CMD…` runs CMD under `timeout` where it exists: one hung command must not eat the section's whole time. */
export const SH_TIMEOUT = sh`
sky_timeout() { sky_timeout_s=$1; shift; if sky_has timeout; then timeout "$sky_timeout_s" "$@"; else "$@"; fi; }
`;

/**
 * `sky_pkg BIN` prints `name<TAB>version` of the npm package holding the script BIN
 * resolves to, read from its package.json. npm, yarn, pnpm and pm2 are never run: running
 * them can write logs, make corepack fetch a payload, or start a daemon.
 */
export const SH_PKG_VERSION = sh`
sky_json_str() { sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2" 2>/dev/null | head -n 1; }
sky_pkg() {
  sky_pkg_d=$(readlink -f "$1" 2>/dev/null || echo "$1"); sky_pkg_d=\${sky_pkg_d%/*}
  while [ -n "$sky_pkg_d" ] && [ "$sky_pkg_d" != / ]; do
    if [ -f "$sky_pkg_d/package.json" ]; then
      printf '%s\t%s\n' "$(sky_json_str name "$sky_pkg_d/package.json")" "$(sky_json_str version "$sky_pkg_d/package.json")"
      return 0
    fi
    sky_pkg_d=\${sky_pkg_d%/*}
  done
  return 1
}
`;
