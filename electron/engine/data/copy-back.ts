import { DataError } from '../../../shared/data/data-error.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { DataEvent, VerifyReport } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { heredoc, stderrTail } from './remote.js';

/*
 * Copy-back: after the switch the application wrote to RDS; a rollback brings those writes back
 * to the box. Everything runs on the box: the box's database is first saved to a file there
 * (kept, never overwritten: a repeated copy-back keeps the first, pre-copy-back state), then
 * RDS is dumped, data only, into a file on the box, and only a complete dump replaces the box's
 * rows, in one transaction. The box keeps its own schema, owners and grants. The RDS password
 * reaches the box inside the script on stdin, never on a command line.
 */

export interface CopyBackOptions<S> {
  session: SshSession;
  /** The box's database, as the forward copy reads it. */
  box: S;
  /** The RDS database (its master user and password). */
  from: TargetUrl;
  /** Names the backup folder on the box (the migration id). */
  migration: string;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
}

export interface CopyBackResult {
  database: string;
  /** The file on the box holding the box's database as it was before the copy-back. */
  backup: string;
  verify: VerifyReport;
}

/**
 * Runs `body` with the RDS database reachable from the box at 127.0.0.1:<port>: a remote
 * forward through the SSH connection to the endpoint as this machine reaches it (directly, or
 * through the copy path's relay), so the box needs no route to RDS of its own.
 */
export async function withRdsOnBox<T>(session: SshSession, from: TargetUrl, body: (port: number) => Promise<T>): Promise<T> {
  const forward = await session.forwardIn(from.host, from.port);
  try {
    return await body(forward.port);
  } finally {
    await forward.close();
  }
}

/** Shell lines that set `sky_pw` from a here-document (the script arrives on stdin). */
export function passwordLines(password: string | null): string {
  const doc = heredoc(password ?? '');
  return `sky_pw=$(cat ${doc.open}\n${doc.body})`;
}

/**
 * The common script body: `sky_backup_cmd` saves the box's database (stdout), `sky_rds_cmd`
 * dumps RDS (stdout), `sky_restore_cmd` loads stdin into the box. $1 is the backup file (under
 * ~/skylift-backups/<migration>/), the engine's own arguments follow.
 */
export const COPY_BACK_FLOW = String.raw`
umask 077
sky_backup=$HOME/skylift-backups/$sky_mig/$sky_name
mkdir -p "$HOME/skylift-backups/$sky_mig" || { echo "cannot create $HOME/skylift-backups/$sky_mig" >&2; exit 3; }
if [ ! -s "$sky_backup" ]; then
  sky_backup_cmd > "$sky_backup.part" </dev/null || { rm -f "$sky_backup.part"; echo "saving the box's database failed" >&2; exit 4; }
  mv "$sky_backup.part" "$sky_backup"
fi
echo "backup	$sky_backup"
sky_data=$(mktemp "$HOME/skylift-backups/$sky_mig/rds-XXXXXX") || exit 5
trap 'rm -f "$sky_data"' EXIT
sky_rds_cmd > "$sky_data" </dev/null || { echo "dumping RDS failed" >&2; exit 6; }
sky_restore_cmd < "$sky_data" || { echo "loading the box failed; the box's database is unchanged" >&2; exit 7; }
echo "restored"
`;

const fail = (code: 'RESTORE_FAILED' | 'DUMP_FAILED', message: string, hint: string): never => {
  throw new DataError(code, message, hint);
};

/** The copy-back script's outcome: the backup path, or the failure with the box's own words. */
export function copyBackOutcome(out: string, stderr: Buffer | string, code: number | null, what: string, label: string): string {
  const backup = /^backup\t(.+)$/m.exec(out)?.[1] ?? '';
  if (/^restored$/m.test(out)) return backup;
  const why = stderrTail(stderr, 4) || `exit ${code}`;
  const message = `copying ${what} back to ${label} failed: ${why}`;
  if (code === 7) {
    return fail('RESTORE_FAILED', message, `the box's database is unchanged (one transaction); its state before the copy-back is in ${backup || '~/skylift-backups on the box'}; fix the cause (a schema change made on AWS?) and run rollback again`);
  }
  if (code === 6) return fail('DUMP_FAILED', message, 'nothing on the box was changed; check that this machine reaches the RDS endpoint (the copy path) and run rollback again');
  return fail('DUMP_FAILED', message, 'nothing on the box was changed; check the free space in ~/skylift-backups on the box and its database client, then run rollback again');
}
