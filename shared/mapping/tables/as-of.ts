/**
 * The date the offline tables (platform branches, engine versions, prices) were compiled.
 * Support windows are judged against this date, never against the clock, so a plan is
 * reproducible; `skylift plan --refresh` replaces the version tables from the live APIs.
 */
export const TABLES_AS_OF = '2026-11-26';

/** Whole months from `from` to `to` (ISO dates), negative when `to` is earlier. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return ((ty ?? 0) - (fy ?? 0)) * 12 + ((tm ?? 0) - (fm ?? 0));
}
