import type { AwsClients } from '../../../../electron/engine/aws/clients.js';
import type { WaitOptions } from '../../../../electron/engine/aws/wait.js';
import type { DoubleSession } from '../../../support/aws-double/product-clients.js';

/** State shared by the ordered cases (ids of what earlier cases created). */
export class CaseContext {
  private values = new Map<string, string>();
  readonly wait: WaitOptions = { intervalMs: 5, timeoutMs: 20_000 };

  constructor(
    readonly session: DoubleSession,
    readonly dir: string,
  ) {}

  get clients(): AwsClients {
    return this.session.clients;
  }

  set(key: string, value: string | undefined): void {
    if (value === undefined) throw new Error(`case produced no ${key}`);
    this.values.set(key, value);
  }

  get(key: string): string {
    const value = this.values.get(key);
    if (value === undefined) throw new Error(`no ${key} yet: an earlier case should have set it`);
    return value;
  }
}

/** One row of the table: the registered operations (`service:Operation`) its run must make. */
export interface OperationCase {
  name: string;
  ops: string[];
  run(ctx: CaseContext): Promise<void>;
}

export const MIGRATION_ID = 'mig-test-0001';
export const SKYLIFT_TAG = { Key: 'skylift:migration', Value: MIGRATION_ID };
