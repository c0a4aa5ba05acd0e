/**
 * POSIX sh helpers shared by several probe section bodies (nginx, tls, apps, the databases and
 * caches). Each constant defines shell functions; a section prepends the ones it uses. They run
 * under dash and busybox sh, read only, and print nothing but what their callers ask for.
 * Function-local variables carry the function's own prefix because sh has no `local`.
 */

/**
 * Processes: `sky_pids NAME...` prints the pids whose command name is one of NAMEs (one grep
 * over /proc instead of a fork per process); `sky_ppid PID`; `sky_owner PID` (user name);
 * `$sky_tmo` is a `timeout 15` prefix for commands that might hang, empty without timeout(1).
 * `sky_raw [FILE]` prints text as `| ` lines, each ending in a newline even when the file's last
 * line does not (so the section's end mark always starts a line).
 * The probe often runs as root next to processes of other users, so it trusts nothing they
 * control: `sky_mine PID` (the process runs as root or as the probing user — its title and
 * arguments are then not another user's say) and `sky_trusted FILE` (owned by root or the
 * probing user, not writable by group or others) guard every binary run and config handed on.
 */
export const SH_PROC = String.raw`
sky_raw() { awk '{ print "| " $0 }' "$@"; }
sky_pids() {
  grep -sH '' /proc/[0-9]*/comm 2>/dev/null | awk -v names=" $* " '{
    c = $0; sub(/^[^:]*:/, "", c); p = $0; sub(/^\/proc\//, "", p); sub(/\/.*/, "", p)
    if (index(names, " " c " ")) print p }'
}
sky_ppid() { sed -n 's/^PPid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null; }
sky_owner() { stat -c %U "/proc/$1" 2>/dev/null; }
sky_exe() { readlink "/proc/$1/exe" 2>/dev/null | sed 's/ (deleted)$//'; }
sky_title() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null; }
sky_mine() { sky_mn=$(stat -c %u "/proc/$1" 2>/dev/null); [ "$sky_mn" = 0 ] || [ "$sky_mn" = "$sky_uid" ]; }
sky_trusted() {
  set -- $(stat -L -c '%u %a' "$1" 2>/dev/null)
  [ $# -eq 2 ] && { [ "$1" = 0 ] || [ "$1" = "$sky_uid" ]; } && [ $((0$2 & 022)) -eq 0 ]
}
if sky_has timeout; then sky_tmo="timeout 15"; else sky_tmo=; fi
`;

/**
 * nginx: `sky_nginx_targets` prints "BIN<TAB>CONF<TAB>PREFIX" for every running master (from its
 * title: `-c` and `-p`) or, when none runs, for the installed binary with its compiled-in
 * conf path. BIN is `-` for a master of another user: its binary and config are never run
 * (`nginx -T` would load the modules its config names), only its readable files are read. `sky_nginx_files CONF` prints CONF and every readable file it includes, following
 * `include` globs a few levels deep (relative ones from the main file's directory, as nginx does).
 * `sky_nginx_mask` masks, in config text, URL credentials and the value of any directive or
 * header whose name says secret, password, token, API key or authorization.
 */
export const SH_NGINX = String.raw`
sky_nginx_mask() {
  sed -E 's#://[^/@";[:space:]]*@#://***@#g
    s/((secret|password|passwd|token|api[_-]?key|authorization)[A-Za-z0-9_-]*["'"'"']?[[:space:]]+)[^;{}]*;/\1***;/Ig'
}
sky_nginx_conf_default() {
  [ -n "$1" ] && "$1" -V 2>&1 </dev/null | tr ' ' '\n' | sed -n 's/^--conf-path=//p' | head -n 1
}
sky_nginx_targets() {
  sky_nt_tab=$(printf '\t')
  for sky_nt_p in $(sky_pids nginx); do
    sky_nt_t=$(sky_title "$sky_nt_p")
    case $sky_nt_t in "nginx: master process "*) ;; *) continue ;; esac
    set -f; set -- $(echo "$sky_nt_t" | sed 's/^nginx: master process //'); set +f
    sky_nt_b=$1; sky_nt_c=; sky_nt_x=; shift
    while [ $# -gt 0 ]; do
      case $1 in
        -c) [ $# -gt 1 ] && { sky_nt_c=$2; shift; } ;;
        -p) [ $# -gt 1 ] && { sky_nt_x=$2; shift; } ;;
      esac
      shift
    done
    case $sky_nt_b in /*) ;; *) sky_nt_b=$(sky_exe "$sky_nt_p") ;; esac
    sky_trusted "$sky_nt_b" || sky_nt_b=$(command -v nginx)
    [ -n "$sky_nt_c" ] || sky_nt_c=$(sky_nginx_conf_default "$sky_nt_b")
    sky_mine "$sky_nt_p" || sky_nt_b=-
    case $sky_nt_c in /*) ;; '') sky_nt_c=/etc/nginx/nginx.conf ;; *) [ -n "$sky_nt_x" ] && sky_nt_c=$sky_nt_x/$sky_nt_c ;; esac
    echo "$sky_nt_b$sky_nt_tab$sky_nt_c$sky_nt_tab$sky_nt_x"
  done | awk '!seen[$0]++' | grep . || {
    sky_has nginx || return 1
    sky_nt_b=$(command -v nginx); sky_nt_c=$(sky_nginx_conf_default "$sky_nt_b")
    [ -n "$sky_nt_c" ] || sky_nt_c=/etc/nginx/nginx.conf
    echo "$sky_nt_b$sky_nt_tab$sky_nt_c$sky_nt_tab"
  }
}
sky_nginx_files() {
  sky_nf_d=$(dirname "$1"); sky_nf_todo=$1; sky_nf_seen=' '; sky_nf_i=0
  while [ -n "$sky_nf_todo" ] && [ $sky_nf_i -lt 5 ]; do
    sky_nf_next=
    for sky_nf_f in $sky_nf_todo; do
      case $sky_nf_seen in *" $sky_nf_f "*) continue ;; esac
      [ -f "$sky_nf_f" ] && [ -r "$sky_nf_f" ] || continue
      sky_nf_seen="$sky_nf_seen$sky_nf_f "
      echo "$sky_nf_f"
      set -f
      for sky_nf_g in $(sed -n 's/^[[:space:]]*include[[:space:]][[:space:]]*\([^;]*\);.*/\1/p' "$sky_nf_f" | tr -d "\"'"); do
        case $sky_nf_g in /*) ;; *) sky_nf_g=$sky_nf_d/$sky_nf_g ;; esac
        sky_nf_next="$sky_nf_next $sky_nf_g"
      done
      set +f
    done
    sky_nf_todo=$sky_nf_next; sky_nf_i=$((sky_nf_i + 1))
  done
}
`;

/**
 * `sky_send HOST PORT PAYLOAD` writes PAYLOAD (with \r \n escapes) to a TCP port and prints
 * the reply until the server closes or 5 s pass: used where redis-cli is missing, and for
 * memcached. perl's IO::Socket::INET is part of perl-base on every Debian/Ubuntu box.
 */
export const SH_SEND = String.raw`
sky_send() {
  perl -MIO::Socket::INET -e '
    my ($h, $p, $msg) = @ARGV;
    $msg =~ s/\\r/\r/g; $msg =~ s/\\n/\n/g;
    $SIG{ALRM} = sub { exit 3 }; alarm 5;
    my $s = IO::Socket::INET->new(PeerAddr => $h, PeerPort => $p, Proto => "tcp", Timeout => 5) or exit 2;
    print $s $msg;
    while (my $l = <$s>) { print $l }
  ' "$1" "$2" "$3"
}
`;

/**
 * Secret-free views of files: `sky_env_names` prints only the NAMES of a dotenv / EnvironmentFile
 * (skipping the lines of multi-line quoted values, so no fragment of a value is ever printed);
 * `sky_keys_only` reduces a JS/JSON object literal (ecosystem files) to its keys (`NAME:`) and
 * brackets, one per line — strings, comments and ternaries understood, every value dropped;
 * `sky_mask_inline` masks NAME=value pairs and credentials in URLs inside free text (Procfile,
 * package.json, git remotes).
 */
export const SH_MASK = String.raw`
sky_env_names() {
  awk '
    inq { if (index($0, q)) inq = 0; next }
    /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=/ {
      l = $0; sub(/^[ \t]*(export[ \t]+)?/, "", l)
      n = l; sub(/[ \t]*=.*/, "", n)
      v = l; sub(/^[^=]*=[ \t]*/, "", v)
      c = substr(v, 1, 1)
      if ((c == "\"" || c == "'"'"'") && index(substr(v, 2), c) == 0) { inq = 1; q = c }
      print n
    }'
}
sky_keys_only() {
  awk '{ t = t $0 "\n" } END {
    n = length(t); i = 1; k = ""; q = 0
    while (i <= n) {
      c = substr(t, i, 1); c2 = substr(t, i, 2)
      if (c2 == "//") { j = index(substr(t, i), "\n"); i = j ? i + j : n + 1; continue }
      if (c2 == "/*") { j = index(substr(t, i + 2), "*/"); i = j ? i + j + 3 : n + 1; continue }
      if (c == "\"" || c == "\047" || c == "\140") {
        j = i + 1; s = ""
        while (j <= n && substr(t, j, 1) != c) { if (substr(t, j, 1) == "\\") { s = s substr(t, j, 2); j += 2 } else { s = s substr(t, j, 1); j++ } }
        k = s; i = j + 1; continue
      }
      if (c ~ /[A-Za-z_$]/) { j = i; while (j <= n && substr(t, j, 1) ~ /[A-Za-z0-9_$]/) j++; k = substr(t, i, j - i); i = j; continue }
      if (c2 == "?." || c2 == "??") { k = ""; i += 2; continue }
      if (c == "?") q++
      else if (c == ":") { if (q > 0) q--; else if (k ~ /^[A-Za-z_$][A-Za-z0-9_$.-]*$/) print k ":" }
      else if (c ~ /[][{}]/) print c
      if (c ~ /[,;{}]/) q = 0
      if (c !~ /[ \t\r\n]/) k = ""
      i++
    }
  }'
}
sky_mask_inline() {
  sed -E 's#://[^/@"[:space:]]*@#://***@#g
    s/(^|[^A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=\\"([^"\\]|\\[^"])*\\"/\1\2=***/g
    s/(^|[^A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'"'"'[^'"'"']*'"'"'|[^[:space:]"'"'"';\\]*)/\1\2=***/g'
}
`;
