import type { CallRecord, JournalRecord, ResultRecord } from '../../../shared/schema/journal.js';
import { dataDir } from '../paths.js';
import { Journal, migrationDir } from './journal.js';
import { savedPlan } from './migration.js';

export interface AuditEntry {
  at: string;
  step: string;
  kind: CallRecord['kind'];
  call: string;
  /** As journaled: secrets masked, values from the box replaced by placeholders. */
  params: unknown;
  token: string | null;
  outcome: 'ok' | 'adopted' | 'failed' | 'unknown';
  error: string | null;
  ms: number | null;
}

/** Every AWS call and remote command of a migration, in order, with its outcome. */
export function auditLog(id: string, home = dataDir()): { entries: AuditEntry[]; records: JournalRecord[] } {
  savedPlan(id, home);
  const records = Journal.read(migrationDir(id, home));
  const results = new Map<number, ResultRecord>();
  for (const r of records) if (r.type === 'result') results.set(r.call, r);
  const entries = records
    .filter((r): r is CallRecord => r.type === 'call')
    .map((c) => {
      const r = results.get(c.seq);
      return {
        at: c.at,
        step: c.step,
        kind: c.kind,
        call: c.service ? `${c.service}:${c.operation}` : c.operation,
        params: c.params,
        token: c.token,
        outcome: !r ? 'unknown' : !r.ok ? 'failed' : r.adopted ? 'adopted' : 'ok',
        error: r?.error ?? null,
        ms: r ? Date.parse(r.at) - Date.parse(c.at) : null,
      } satisfies AuditEntry;
    });
  return { entries, records };
}
