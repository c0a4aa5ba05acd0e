import { DataError } from '../../../shared/data/data-error.js';
import { parseTargetUrl, type TargetUrl } from '../../../shared/data/target-url.js';
import type { CopyResult, DataEvent, DataSource, VerifyReport } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { copyMysql } from './copy-mysql.js';
import { copyPostgres } from './copy-postgres.js';
import { copyRedis } from './copy-redis.js';
import { verifyMysql } from './verify-mysql.js';
import { verifyPostgres } from './verify-postgres.js';
import { verifyRedis } from './verify-redis.js';

export interface DataJob {
  session: SshSession;
  source: DataSource;
  /** For a source that needs a password (MySQL `user`, Redis requirepass); never logged. */
  sourcePassword?: string;
  /** A URL (see shared/data/target-url) or one already parsed. */
  target: string | TargetUrl;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
}

export interface CopyJob extends DataJob {
  replace?: boolean;
  myisam?: 'lock' | 'accept';
  verify?: boolean;
}

export const MEMCACHED_NOTE = 'memcached is a cache: nothing is copied; the new cluster starts cold and fills as the application runs (expect more database load at first)';

function targetFor(job: DataJob): TargetUrl {
  const url = typeof job.target === 'string' ? parseTargetUrl(job.target) : job.target;
  if (job.source.engine !== 'memcached' && url.engine !== job.source.engine) {
    throw new DataError('BAD_URL', `the target ${url.masked} is a ${url.engine} URL, the source is ${job.source.engine}`, `give a ${job.source.engine}:// URL`);
  }
  return url;
}

/** A copy that found a difference: the data stays on the target, the error names what differs. */
export function assertVerified(report: VerifyReport | null): void {
  if (!report || report.ok) return;
  throw new DataError(
    'VERIFY_MISMATCH',
    `the target differs from the box: ${report.mismatches.slice(0, 5).join('; ')}${report.mismatches.length > 5 ? ` (and ${report.mismatches.length - 5} more)` : ''}`,
    'if the application kept writing on the box during the copy, stop it (or freeze writes) and copy again with --replace; otherwise report the table to the Skylift maintainers',
    { report },
  );
}

/** Copies one database (or a whole Redis) from the box to the target and proves it arrived; throws VERIFY_MISMATCH otherwise. */
export async function copyData(job: CopyJob): Promise<CopyResult> {
  const { source } = job;
  if (source.engine === 'memcached') {
    job.onEvent?.({ type: 'notice', level: 'info', message: MEMCACHED_NOTE });
    return {
      engine: 'memcached',
      database: null,
      targetDatabase: null,
      endpoints: { source: `memcached on ${job.session.label}`, target: '(none)', sourceVersion: null, targetVersion: null, dumpClient: null },
      bytes: 0,
      items: 0,
      durationMs: 0,
      created: { database: false, roles: [], extensions: [] },
      replaced: false,
      findings: [],
      warnings: [MEMCACHED_NOTE],
      verify: null,
    };
  }
  const target = targetFor(job);
  const common = { session: job.session, target, replace: job.replace, verify: job.verify, onEvent: job.onEvent, signal: job.signal };
  const result =
    source.engine === 'postgres'
      ? await copyPostgres({ ...common, source })
      : source.engine === 'mysql'
        ? await copyMysql({ ...common, source, sourcePassword: job.sourcePassword, myisam: job.myisam })
        : await copyRedis({ ...common, source, sourcePassword: job.sourcePassword });
  assertVerified(result.verify);
  return result;
}

/** Compares the box and the target (see each engine's verify); the report says what differs. */
export async function verifyData(job: DataJob & { sample?: number }): Promise<VerifyReport> {
  const { source } = job;
  if (source.engine === 'memcached') throw new DataError('BAD_NAME', 'memcached holds only a cache: there is nothing to verify', 'verify postgres, mysql or redis');
  const target = targetFor(job);
  const common = { session: job.session, target, onEvent: job.onEvent, signal: job.signal };
  if (source.engine === 'postgres') return verifyPostgres({ ...common, source });
  if (source.engine === 'mysql') return verifyMysql({ ...common, source, sourcePassword: job.sourcePassword });
  return verifyRedis({ ...common, source, sourcePassword: job.sourcePassword, sample: job.sample });
}
