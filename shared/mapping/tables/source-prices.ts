/**
 * What the source box costs, matched on provider, vCPUs and memory (the kernel reports a little
 * less memory than the plan's nominal size, so a box matches a plan whose nominal memory is
 * within 15% above what it reports). Unmatched boxes are shown as unknown.
 */

export interface SourcePlan {
  provider: 'digitalocean' | 'linode';
  name: string;
  vcpus: number;
  memoryGiB: number;
  monthlyUsd: number;
  source: string;
}

const DO = 'https://www.digitalocean.com/pricing/droplets';
const LINODE = 'https://www.linode.com/pricing/';

export const SOURCE_PLANS: SourcePlan[] = [
  { provider: 'digitalocean', name: 'Basic s-1vcpu-1gb', vcpus: 1, memoryGiB: 1, monthlyUsd: 6, source: DO },
  { provider: 'digitalocean', name: 'Basic s-1vcpu-2gb', vcpus: 1, memoryGiB: 2, monthlyUsd: 12, source: DO },
  { provider: 'digitalocean', name: 'Basic s-2vcpu-2gb', vcpus: 2, memoryGiB: 2, monthlyUsd: 18, source: DO },
  { provider: 'digitalocean', name: 'Basic s-2vcpu-4gb', vcpus: 2, memoryGiB: 4, monthlyUsd: 24, source: DO },
  { provider: 'digitalocean', name: 'Basic s-4vcpu-8gb', vcpus: 4, memoryGiB: 8, monthlyUsd: 48, source: DO },
  { provider: 'digitalocean', name: 'Basic s-8vcpu-16gb', vcpus: 8, memoryGiB: 16, monthlyUsd: 96, source: DO },
  { provider: 'linode', name: 'Shared Nanode 1 GB', vcpus: 1, memoryGiB: 1, monthlyUsd: 5, source: LINODE },
  { provider: 'linode', name: 'Shared Linode 2 GB', vcpus: 1, memoryGiB: 2, monthlyUsd: 12, source: LINODE },
  { provider: 'linode', name: 'Shared Linode 4 GB', vcpus: 2, memoryGiB: 4, monthlyUsd: 24, source: LINODE },
  { provider: 'linode', name: 'Shared Linode 8 GB', vcpus: 4, memoryGiB: 8, monthlyUsd: 48, source: LINODE },
  { provider: 'linode', name: 'Shared Linode 16 GB', vcpus: 6, memoryGiB: 16, monthlyUsd: 96, source: LINODE },
];
