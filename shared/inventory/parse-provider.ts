import type { Host, Provider } from '../schema/inventory.js';

/** What each provider writes in DMI and what cloud-init names it (ds-identify's checks). */
const TARGETS: ReadonlyArray<{ name: Exclude<Provider, 'other' | 'unknown'>; pattern: RegExp }> = [
  { name: 'digitalocean', pattern: /digitalocean/i },
  { name: 'linode', pattern: /linode|akamai/i },
  // sys_vendor "Amazon EC2" (Nitro), bios_version "4.2.amazon" and hypervisor uuid "ec2…" (Xen), datasource Ec2.
  { name: 'aws', pattern: /amazon|^ec2|^aws$/i },
];

/** A hypervisor's own vendor string names no provider: any host (or a laptop) may show it. */
const GENERIC_VENDOR = /^(qemu|xen|bochs|kvm|red hat|innotek gmbh|oracle corporation|vmware.*|parallels.*|to be filled by o\.e\.m\.|default string|not specified|system manufacturer)$/i;
const GENERIC_CLOUD = /^(none|nocloud(-net)?|unknown|configdrive|)$/i;

/** "DataSourceEc2Local: DataSourceEc2Local" → ["Ec2Local"]; "datasource_list: [ A, None ]" → ["A", "None"]. */
function cloudNames(value: string): string[] {
  const v = value.trim();
  const list = /^datasource_list:\s*\[(.*)\]/.exec(v);
  if (list) return (list[1] ?? '').split(',').map((s) => s.trim());
  const ds = /^DataSource(\w+)/.exec(v);
  return [ds?.[1] ?? v];
}

/**
 * Names the provider from what the box says about itself: DMI fields and cloud-init's
 * files. Every string read is kept as evidence, whether it decided anything or not.
 */
export function detectProvider(dmi: ReadonlyMap<string, string>, cloud: ReadonlyMap<string, string>): Host['provider'] {
  const evidence = [...[...dmi].map(([k, v]) => `${k}=${v}`), ...[...cloud].map(([k, v]) => `${k}: ${v}`)];
  const names = [...cloud.values()].flatMap(cloudNames).filter((n) => n !== '');
  const candidates = [...dmi.values(), ...names];
  for (const target of TARGETS) {
    if (candidates.some((v) => target.pattern.test(v.trim()))) return { name: target.name, evidence };
  }
  const vendor = dmi.get('sys_vendor')?.trim();
  const specific = (vendor !== undefined && vendor !== '' && !GENERIC_VENDOR.test(vendor)) || names.some((n) => !GENERIC_CLOUD.test(n));
  return { name: specific ? 'other' : 'unknown', evidence };
}
