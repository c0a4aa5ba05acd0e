/** Faults a test asks for. Request faults hit matching calls `times` times (default once). */
export type RequestFault =
  | { kind: 'throttle' | '500' | 'drop'; service?: string; operation?: string; times?: number }
  | { kind: 'error'; code: string; message?: string; status?: number; service?: string; operation?: string; times?: number };

export type LifecycleFault =
  /** Multiplies the lifecycle durations of a service's resources created afterwards. */
  | { kind: 'slow-lifecycle'; service: string; factor: number }
  /** The named environment stays Launching (or Updating) for ever. */
  | { kind: 'never-ready'; environmentName: string };

export type FaultSpec = RequestFault | LifecycleFault;

export interface FaultHandle {
  /** How many requests this fault has hit so far. */
  readonly hits: number;
  remove(): void;
}

interface Entry {
  spec: FaultSpec;
  remaining: number;
  hits: number;
}

export class Faults {
  private entries: Entry[] = [];

  add(spec: FaultSpec): FaultHandle {
    const entry: Entry = { spec, remaining: 'times' in spec && spec.times !== undefined ? spec.times : 1, hits: 0 };
    this.entries.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      remove: () => {
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  clear(): void {
    this.entries = [];
  }

  /** The request fault to apply to this call, if any (consumes one of its `times`). */
  take(service: string, operation: string): RequestFault | undefined {
    for (const entry of this.entries) {
      const { spec } = entry;
      if (spec.kind === 'slow-lifecycle' || spec.kind === 'never-ready') continue;
      if ((spec.service && spec.service !== service) || (spec.operation && spec.operation !== operation)) continue;
      if (entry.remaining <= 0) continue;
      entry.remaining--;
      entry.hits++;
      return spec;
    }
    return undefined;
  }

  lifecycleFactor(service: string): number {
    return this.entries.reduce((f, { spec }) => (spec.kind === 'slow-lifecycle' && spec.service === service ? f * spec.factor : f), 1);
  }

  neverReady(environmentName: string): boolean {
    return this.entries.some(({ spec }) => spec.kind === 'never-ready' && spec.environmentName === environmentName);
  }
}
