import type { Host } from '../../schema/inventory.js';
import { detectProvider } from '../parse-provider.js';
import { nonEmpty, readRecords, restOf, toInt, toNumber } from '../parse-records.js';
import { SH_TIMEOUT, sh } from '../probe-sh-helpers.js';
import type { ProbeSection } from '../section.js';

/*
 * Lines: `hostname|kernel|arch|cpus|loadavg|uptime <TAB> value`, `dmi <TAB> file <TAB> value`,
 * `cloud <TAB> file <TAB> value`, `os <TAB> KEY=value`, `mem <TAB> MemTotal: N kB`,
 * `tz <TAB> source <TAB> value`, `mount <TAB> device <TAB> mountpoint <TAB> fstype <TAB> kB <TAB> usedkB`.
 * The provider comes from DMI and cloud-init's files only: never from a metadata endpoint.
 */
const script =
  SH_TIMEOUT +
  sh`
printf 'hostname\t%s\n' "$(uname -n 2>/dev/null || cat /proc/sys/kernel/hostname)"
printf 'kernel\t%s\n' "$(uname -r)"
printf 'arch\t%s\n' "$(uname -m)"
n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || grep -c '^processor' /proc/cpuinfo)
printf 'cpus\t%s\n' "$n"
for f in sys_vendor product_name bios_vendor bios_version board_vendor chassis_vendor; do
  [ -r "/sys/class/dmi/id/$f" ] && printf 'dmi\t%s\t%s\n' "$f" "$(head -c 200 "/sys/class/dmi/id/$f")"
done
# Xen-based EC2 marks its hypervisor uuid with "ec2"; only that prefix is printed.
[ -r /sys/hypervisor/uuid ] && printf 'dmi\thypervisor_uuid_prefix\t%s\n' "$(head -c 3 /sys/hypervisor/uuid)"
for f in /var/lib/cloud/instance/datasource /run/cloud-init/cloud-id; do
  [ -r "$f" ] && printf 'cloud\t%s\t%s\n' "$f" "$(head -c 300 "$f" | tr '\n\t' '  ')"
done
[ -r /run/cloud-init/cloud.cfg ] && printf 'cloud\t/run/cloud-init/cloud.cfg\t%s\n' "$(grep -m 1 '^datasource_list:' /run/cloud-init/cloud.cfg)"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then grep -E '^(ID|NAME|VERSION_ID|PRETTY_NAME)=' "$f" | sed 's/^/os\t/'; break; fi
done
grep -E '^(MemTotal|SwapTotal):' /proc/meminfo | sed 's/^/mem\t/'
printf 'loadavg\t%s\n' "$(cat /proc/loadavg)"
printf 'uptime\t%s\n' "$(cat /proc/uptime)"
[ -r /etc/timezone ] && printf 'tz\tetc-timezone\t%s\n' "$(head -n 1 /etc/timezone)"
[ -L /etc/localtime ] && printf 'tz\tlocaltime-link\t%s\n' "$(readlink /etc/localtime)"
if [ -d /run/systemd/system ] && sky_has timedatectl; then
  printf 'tz\ttimedatectl\t%s\n' "$(sky_timeout 2 timedatectl show -p Timezone --value)"
fi
# Pseudo and per-container filesystems are skipped; df runs per mount under a timeout,
# so a hung NFS server costs seconds, not the section.
while read -r dev mp fs rest; do
  case "$fs" in
    proc|sysfs|devtmpfs|devpts|tmpfs|ramfs|cgroup|cgroup2|pstore|bpf|tracefs|debugfs|securityfs|configfs|fusectl|mqueue|hugetlbfs|autofs|binfmt_misc|rpc_pipefs|nsfs|efivarfs|selinuxfs|squashfs|overlay|fuse.lxcfs|fuse.gvfsd-fuse|fuse.portal) continue ;;
  esac
  case "$mp" in /proc/*|/sys/*|/dev/*|/run/*|/snap/*|/var/lib/docker/*|/var/lib/containers/*) continue ;; esac
  path=$(printf '%s' "$mp" | sed 's/\\040/ /g')
  [ -d "$path" ] || continue
  sizes=$(sky_timeout 3 df -P -k "$path" 2>/dev/null | awk 'NR > 1 { for (i = NF; i > 3; i--) if ($i ~ /^[0-9]+%$/) { print $(i - 3) "\t" $(i - 2); exit } }')
  printf 'mount\t%s\t%s\t%s\t%s\n' "$dev" "$mp" "$fs" "$sizes"
done < /proc/mounts
exit 0
`;

/** /proc/mounts writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_all, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function unquote(value: string): string {
  const v = value.trim();
  const m = /^"(.*)"$/.exec(v) ?? /^'(.*)'$/.exec(v);
  return m ? (m[1] ?? '').replace(/\\(["\\$`])/g, '$1') : v;
}

/** Kilobytes → bytes, with a ceiling that keeps absurd values out of the inventory. */
function kbToBytes(text: string | undefined): number | null {
  const kb = toInt(text);
  return kb === null || kb > 2 ** 40 ? null : kb * 1024;
}

function timezoneFrom(sources: Map<string, string>): string | null {
  const fromFile = nonEmpty(sources.get('etc-timezone'));
  if (fromFile) return fromFile;
  const link = sources.get('localtime-link');
  const m = link ? /zoneinfo\/(.+)$/.exec(link) : null;
  if (m?.[1]) return m[1];
  return nonEmpty(sources.get('timedatectl'));
}

export const hostSection: ProbeSection = {
  name: 'host',
  timeoutSeconds: 20,
  script,
  parse(raw, draft) {
    const host: Host = draft.host;
    const dmi = new Map<string, string>();
    const cloud = new Map<string, string>();
    const tz = new Map<string, string>();
    for (const { tag, fields } of readRecords(raw.text)) {
      const [a = '', b = ''] = fields;
      switch (tag) {
        case 'hostname':
          host.hostname = nonEmpty(a);
          break;
        case 'kernel':
          host.kernel = nonEmpty(a);
          break;
        case 'arch':
          host.arch = nonEmpty(a);
          break;
        case 'cpus': {
          const n = toInt(a);
          host.cpus = n !== null && n > 0 && n < 100_000 ? n : null;
          break;
        }
        case 'dmi':
          if (nonEmpty(b)) dmi.set(a, b.trim());
          break;
        case 'cloud':
          if (nonEmpty(b)) cloud.set(a, b.trim());
          break;
        case 'os': {
          const eq = a.indexOf('=');
          if (eq < 1) break;
          const key = a.slice(0, eq);
          const value = nonEmpty(unquote(restOf(fields, 0).slice(eq + 1)));
          if (key === 'ID') host.os.id = value;
          else if (key === 'NAME') host.os.name = value;
          else if (key === 'VERSION_ID') host.os.versionId = value;
          else if (key === 'PRETTY_NAME') host.os.prettyName = value;
          break;
        }
        case 'mem': {
          const m = /^(MemTotal|SwapTotal):\s*(\d+)\s*kB/.exec(a);
          if (m?.[1] === 'MemTotal') host.memoryBytes = kbToBytes(m[2]);
          else if (m?.[1] === 'SwapTotal') host.swapBytes = kbToBytes(m[2]);
          break;
        }
        case 'loadavg': {
          const [l1, l5, l15] = a.trim().split(/\s+/).map(toNumber);
          host.loadAverage = l1 != null && l5 != null && l15 != null ? [l1, l5, l15] : null;
          break;
        }
        case 'uptime':
          host.uptimeSeconds = toNumber(a.trim().split(/\s+/)[0]);
          break;
        case 'tz':
          if (nonEmpty(b)) tz.set(a, b.trim());
          break;
        case 'mount': {
          const [device = '', mountpoint = '', fstype = '', size, used] = fields;
          if (!device || !mountpoint.startsWith('/') || !fstype) break;
          host.mounts.push({
            device: unescapeMount(device),
            mountpoint: unescapeMount(mountpoint),
            fstype,
            sizeBytes: kbToBytes(size),
            usedBytes: kbToBytes(used),
          });
          break;
        }
      }
    }
    host.timezone = timezoneFrom(tz);
    host.provider = detectProvider(dmi, cloud);
  },
};
