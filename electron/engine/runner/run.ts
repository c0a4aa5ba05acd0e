import type { Socket } from 'node:net';
import type { Json } from '../../../shared/runner/jmespath.js';
import { applyRecord, journalState, type JournalState } from '../../../shared/runner/journal-state.js';
import { resolveValue, type Resolved, type ValueSources } from '../../../shared/runner/resolve.js';
import type { JournalRecord, NewJournalRecord } from '../../../shared/schema/journal.js';
import type { Plan, PlanStep } from '../../../shared/schema/plan.js';
import type { AwsClients } from '../aws/clients.js';
import type { CredentialSource } from '../aws/credentials.js';
import type { SshConnectOptions } from '../ssh/index.js';
import { BoxSessions } from './box.js';
import { MissingOutput, RunnerError } from './errors.js';
import type { EventSink, RunnerEvent } from './events.js';
import type { Journal } from './journal.js';
import { readParameter } from './secrets.js';

export interface AwsAccess {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  credentials?: CredentialSource;
  maxAttempts?: number;
}

export interface RunnerOptions {
  /** The data directory (default: dataDir()). */
  home?: string;
  aws: AwsAccess;
  /** How to reach a box by its inventory label. */
  ssh?: (label: string) => Promise<SshConnectOptions>;
  /** Answers every confirmation (gates, manual steps) with yes. */
  yes?: boolean;
  /** Asks a person; absent when nobody can answer (not a terminal). */
  confirm?: (question: string) => Promise<boolean>;
  /** Multiplies every budget, poll interval and fixed wait: 1 against AWS, smaller against a local emulator whose clock runs faster. */
  timeScale?: number;
  /** Steps run at once. */
  concurrency?: number;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** Opens the TCP connection for HTTP and WebSocket checks (default: straight to the host; a proxy tunnel, a custom resolver). */
  connect?: (host: string, port: number) => Promise<Socket>;
  /** The folder plan.json was written to (its eb/ bundles are laid over the source bundle). */
  bundleRoot?: string;
  /** CA bundle for the database endpoints (RDS: global-bundle.pem): given, their certificates and names are verified; otherwise TLS is still required. */
  dbCaFile?: string;
}

/** A step's time allowance: its expected maximum with headroom, scaled. */
export class Budget {
  readonly deadline: number;
  constructor(
    readonly ms: number,
    readonly started = Date.now(),
  ) {
    this.deadline = started + ms;
  }

  remaining(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  elapsed(): number {
    return Date.now() - this.started;
  }
}

/** Everything one run (apply, rollback, cleanup) shares: the plan, the journal and its state, the clients, the boxes. */
export class Run {
  readonly state: JournalState;
  readonly boxes: BoxSessions;
  readonly scale: number;
  /** Values read from the box or SSM in this run: scrubbed from every message written anywhere. */
  private readonly secrets = new Set<string>();

  constructor(
    readonly plan: Plan,
    readonly id: string,
    readonly journal: Journal,
    readonly clients: AwsClients,
    readonly opts: RunnerOptions,
  ) {
    this.state = journalState(journal.records);
    this.boxes = new BoxSessions(opts.ssh);
    this.scale = opts.timeScale ?? 1;
  }

  record(rec: NewJournalRecord): JournalRecord {
    const full = this.journal.append(rec);
    applyRecord(this.state, full);
    return full;
  }

  emit(event: RunnerEvent): void {
    this.opts.onEvent?.(event);
  }

  step(id: string): PlanStep {
    const found = this.plan.steps.find((s) => s.id === id);
    if (!found) throw new RunnerError('PLAN_INVALID', `the plan has no step ${id}`, 'check the step id (skylift status lists them)');
    return found;
  }

  /** Real milliseconds for a duration the plan states. */
  scaled(ms: number): number {
    return ms * this.scale;
  }

  /** A poll interval: AWS's own waiters poll every 15–30 s. */
  pollMs(realMs = 15_000): number {
    return Math.max(20, this.scaled(realMs));
  }

  budgetFor(step: PlanStep): Budget {
    // Twice the plan's worst case, at least two minutes: long enough for a slow day, short enough that nothing waits for ever.
    return new Budget(this.scaled(Math.max(2, step.durationMinutes.max * 2) * 60_000));
  }

  checkCancelled(): void {
    if (this.opts.signal?.aborted) throw new RunnerError('CANCELLED', 'the run was cancelled', 'run apply again to resume where it stopped');
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.opts.signal;
      if (signal?.aborted) return reject(new RunnerError('CANCELLED', 'the run was cancelled', 'run apply again to resume'));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new RunnerError('CANCELLED', 'the run was cancelled', 'run apply again to resume'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Where `$ref`, `$sourceEnv` and `$parameter` get their values. */
  sources(): ValueSources {
    return {
      output: (step, name) => {
        const value = this.state.outputs.get(step)?.[name];
        if (value === undefined) throw new MissingOutput(step, name);
        return value;
      },
      sourceEnv: async (spec) => this.secret(await this.boxes.readEnv(spec)),
      parameter: async (name) => this.secret(await readParameter(this.clients, name)),
    };
  }

  /** Remembers a secret value so that `scrub` can take it out of messages. */
  secret(value: string): string {
    if (value.length >= 4) this.secrets.add(value);
    return value;
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  resolve(value: Json): Promise<Resolved> {
    return resolveValue(value, this.sources());
  }

  async close(): Promise<void> {
    await this.boxes.closeAll();
  }
}
