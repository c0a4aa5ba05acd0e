/**
 * EC2 instance types for an Elastic Beanstalk web environment, per instance. The first row
 * whose limits hold wins. `load` is the box's 15-minute load average and `memoryGiB` the
 * memory the app is assumed to need (see app-demand in eb-sizing.ts). x86_64 only: Graviton
 * (t4g/m7g) is cheaper but native npm modules built on the box would need rebuilding for arm64.
 */

export interface InstanceRow {
  type: string;
  vcpus: number;
  memoryGiB: number;
  maxMemoryGiB: number;
  maxLoad: number;
  reason: string;
  source: string;
}

const TYPES = 'https://aws.amazon.com/ec2/instance-types/';
const BURST = 'https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_burstable';

export const INSTANCE_ROWS: InstanceRow[] = [
  { type: 't3.micro', vcpus: 2, memoryGiB: 1, maxMemoryGiB: 1, maxLoad: 0.2, reason: 'Up to 1 GiB and a load within t3.micro\'s baseline (10% of 2 vCPUs = 0.2): a burstable instance never runs out of credits.', source: BURST },
  { type: 't3.small', vcpus: 2, memoryGiB: 2, maxMemoryGiB: 2, maxLoad: 0.4, reason: 'Up to 2 GiB and a load within t3.small\'s baseline (20% of 2 vCPUs = 0.4).', source: BURST },
  { type: 't3.medium', vcpus: 2, memoryGiB: 4, maxMemoryGiB: 4, maxLoad: 0.4, reason: 'Up to 4 GiB and a load within t3.medium\'s baseline (20% of 2 vCPUs = 0.4).', source: BURST },
  { type: 't3.large', vcpus: 2, memoryGiB: 8, maxMemoryGiB: 8, maxLoad: 0.6, reason: 'Up to 8 GiB and a load within t3.large\'s baseline (30% of 2 vCPUs = 0.6).', source: BURST },
  { type: 'c7i.large', vcpus: 2, memoryGiB: 4, maxMemoryGiB: 4, maxLoad: 1.6, reason: 'Steady CPU above a burstable baseline with up to 4 GiB: a fixed-performance compute instance costs less than t3 surplus credits.', source: TYPES },
  { type: 'm7i.large', vcpus: 2, memoryGiB: 8, maxMemoryGiB: 8, maxLoad: 1.6, reason: 'Steady CPU (load up to 80% of 2 vCPUs) with up to 8 GiB.', source: TYPES },
  { type: 'm7i.xlarge', vcpus: 4, memoryGiB: 16, maxMemoryGiB: 16, maxLoad: 3.2, reason: 'Load up to 80% of 4 vCPUs with up to 16 GiB.', source: TYPES },
  { type: 'm7i.2xlarge', vcpus: 8, memoryGiB: 32, maxMemoryGiB: 32, maxLoad: 6.4, reason: 'Load up to 80% of 8 vCPUs with up to 32 GiB.', source: TYPES },
  { type: 'm7i.4xlarge', vcpus: 16, memoryGiB: 64, maxMemoryGiB: Number.POSITIVE_INFINITY, maxLoad: Number.POSITIVE_INFINITY, reason: 'Largest row: beyond this, add instances rather than grow one.', source: TYPES },
];

/** Used when the box's CPU, memory or load could not be read. */
export const INSTANCE_FALLBACK = 't3.small';
