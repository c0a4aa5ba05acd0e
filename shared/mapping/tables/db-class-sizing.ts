/**
 * RDS instance classes. The first row whose limits hold wins: data size, the source's
 * configured max_connections against RDS's default for the class, the memory the database is
 * assumed to need (see db-demand in rds.ts) and the box's load (burstable classes only while
 * the load stays low).
 */

export interface DbClassRow {
  instanceClass: string;
  vcpus: number;
  memoryGiB: number;
  maxDataGiB: number;
  maxLoad: number;
  reason: string;
  source: string;
}

const CLASSES = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html';
const GiB = 1024 ** 3;

export const DB_CLASS_ROWS: DbClassRow[] = [
  { instanceClass: 'db.t4g.micro', vcpus: 2, memoryGiB: 1, maxDataGiB: 10, maxLoad: 0.5, reason: 'Small data (≤ 10 GiB), little memory and a light load: the smallest burstable class.', source: CLASSES },
  { instanceClass: 'db.t4g.small', vcpus: 2, memoryGiB: 2, maxDataGiB: 25, maxLoad: 0.8, reason: 'Up to 25 GiB of data and 2 GiB of memory on a lightly loaded box.', source: CLASSES },
  { instanceClass: 'db.t4g.medium', vcpus: 2, memoryGiB: 4, maxDataGiB: 60, maxLoad: 1.0, reason: 'Up to 60 GiB of data and 4 GiB of memory on a lightly loaded box.', source: CLASSES },
  { instanceClass: 'db.t4g.large', vcpus: 2, memoryGiB: 8, maxDataGiB: 120, maxLoad: 1.0, reason: 'Up to 120 GiB of data and 8 GiB of memory on a lightly loaded box.', source: CLASSES },
  { instanceClass: 'db.m7g.large', vcpus: 2, memoryGiB: 8, maxDataGiB: 200, maxLoad: 1.6, reason: 'Steady load a burstable class would not sustain, up to 8 GiB of memory.', source: CLASSES },
  { instanceClass: 'db.m7g.xlarge', vcpus: 4, memoryGiB: 16, maxDataGiB: 500, maxLoad: 3.2, reason: 'Up to 500 GiB of data and 16 GiB of memory with a steady load.', source: CLASSES },
  { instanceClass: 'db.r7g.xlarge', vcpus: 4, memoryGiB: 32, maxDataGiB: 1000, maxLoad: 3.2, reason: 'Memory-optimised: large data whose working set wants RAM.', source: CLASSES },
  { instanceClass: 'db.r7g.2xlarge', vcpus: 8, memoryGiB: 64, maxDataGiB: Number.POSITIVE_INFINITY, maxLoad: Number.POSITIVE_INFINITY, reason: 'Largest row: review with a DBA before going bigger.', source: CLASSES },
];

export const DB_CLASS_FALLBACK = 'db.t4g.small';

/**
 * RDS's default max_connections for a class: PostgreSQL LEAST(DBInstanceClassMemory/9531392, 5000),
 * MySQL/MariaDB DBInstanceClassMemory/12582880. Nominal memory overstates DBInstanceClassMemory
 * a little, so these are upper estimates.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections
 */
export function defaultMaxConnections(row: DbClassRow, engine: 'postgres' | 'mysql' | 'mariadb'): number {
  const bytes = row.memoryGiB * GiB;
  return engine === 'postgres' ? Math.min(Math.floor(bytes / 9531392), 5000) : Math.floor(bytes / 12582880);
}
