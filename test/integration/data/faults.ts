/** Assertions shared by the data tests (vitest only: box.ts stays usable by the benchmark). */
import { expect } from 'vitest';
import type { SshSession } from '../../../electron/engine/ssh/index.js';
import { DataError } from '../../../shared/data/data-error.js';
import type { DataEvent } from '../../../shared/schema/data.js';
import type { TestBox } from './box.js';

/** The DataError a promise must fail with. */
export async function failure(p: Promise<unknown>): Promise<DataError> {
  const err = await p.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

/** Runs a copy on a fresh session and kills that connection from inside the first event `when` accepts; returns the copy's error. */
export async function copyCutShort(box: TestBox, run: (session: SshSession, onEvent: (e: DataEvent) => void) => Promise<unknown>, when: (e: DataEvent) => boolean): Promise<DataError> {
  const session = await box.open();
  const killer = await box.connectionKiller();
  let dropped = false;
  const err = await failure(
    run(session, (e) => {
      if (!dropped && when(e)) {
        dropped = true;
        killer.kill();
      }
    }),
  );
  expect(dropped).toBe(true);
  return err;
}

/** Past the first megabytes of a copy: the kill lands while the dump still streams. */
export const midCopy = (e: DataEvent): boolean => e.type === 'progress' && e.phase === 'copy' && e.bytes > 2 * 1024 * 1024;
