import { Scheduler, VirtualClock } from './clock.js';
import { Faults } from './faults.js';
import { Identities, type Principal } from './identities.js';

export interface Endpoint {
  host: string;
  port: number;
}

/** A real local database standing in for an RDS instance; `provision` may create the master
 * user and database the CreateDBInstance call asked for. */
export interface DatabaseBackend extends Endpoint {
  provision?(db: { identifier: string; engine: string; masterUsername?: string; masterPassword?: string; dbName?: string }): Promise<void>;
}

/** Real local processes the double's resources point at. */
export class Backends {
  /** By RDS engine (`postgres`, `mysql`, `mariadb`). */
  rds: Partial<Record<string, DatabaseBackend>> = {};
  /** By ElastiCache engine (`redis`, `valkey`, `memcached`). */
  cache: Partial<Record<string, Endpoint>> = {};
  /** The deployed app behind each Elastic Beanstalk environment, by environment name. */
  apps = new Map<string, Endpoint>();
}

export interface RecordedCall {
  service: string;
  operation: string;
  account: string;
  region: string;
  status: number;
}

/** Everything the double knows, shared by the services: state per account and region. */
export class World {
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  readonly identities = new Identities();
  readonly faults = new Faults();
  readonly backends = new Backends();
  readonly calls: RecordedCall[] = [];
  private stores = new Map<string, unknown>();

  constructor(speed: number) {
    this.clock = new VirtualClock(speed);
    this.scheduler = new Scheduler(this.clock);
  }

  /** The state object of one service in one account (and region, unless the service is global). */
  scoped<T>(service: string, account: string, region: string | null, create: () => T): T {
    const key = `${service}/${account}/${region ?? 'global'}`;
    let value = this.stores.get(key) as T | undefined;
    if (value === undefined) this.stores.set(key, (value = create()));
    return value;
  }

  /** All state objects of a service, with their account and region (for cross-account lookups). */
  *all<T>(service: string): Generator<{ account: string; region: string; state: T }> {
    for (const [key, state] of this.stores) {
      const [s, account = '', region = ''] = key.split('/');
      if (s === service) yield { account, region, state: state as T };
    }
  }

  /** Virtual delay scaled by any slow-lifecycle fault for that service. */
  delay(service: string, ms: number): number {
    return ms * this.faults.lifecycleFactor(service);
  }
}

export interface CallContext {
  world: World;
  account: string;
  region: string;
  principal: Principal;
  requestId: string;
  /** Virtual time of the request. */
  now: number;
}
