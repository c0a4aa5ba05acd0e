/** Virtual time for lifecycles: runs `speed` times faster than the wall clock, and tests can jump
 * it forward with `advance`. Timestamps the double reports are virtual. */
export class VirtualClock {
  private anchorVirtual = Date.now();
  private anchorReal = performance.now();
  private currentSpeed: number;

  constructor(speed = 1) {
    this.currentSpeed = speed;
  }

  now(): number {
    return this.anchorVirtual + (performance.now() - this.anchorReal) * this.currentSpeed;
  }

  get speed(): number {
    return this.currentSpeed;
  }

  set speed(value: number) {
    this.anchorVirtual = this.now();
    this.anchorReal = performance.now();
    this.currentSpeed = value;
  }

  advance(ms: number): void {
    this.anchorVirtual += ms;
  }

  /** Virtual milliseconds as wall-clock milliseconds (for idle timeouts the proxies enforce);
   * a stopped clock (speed 0, moved only by `advance`) leaves durations as they are. */
  toRealMs(virtualMs: number): number {
    return this.currentSpeed > 0 ? virtualMs / this.currentSpeed : virtualMs;
  }
}

interface Task {
  at: number;
  seq: number;
  run: (at: number) => void | Promise<void>;
}

/** Discrete events on the virtual clock, run lazily (before each request and on `settle`) in
 * time order, one at a time, so a lifecycle never skips a state or reorders its events. */
export class Scheduler {
  private tasks: Task[] = [];
  private seq = 0;
  private watchers = new Set<(now: number) => void>();
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly clock: VirtualClock) {}

  at(at: number, run: Task['run']): void {
    this.tasks.push({ at, seq: this.seq++, run });
  }

  /** A condition checked on every settle (e.g. ACM looking for its validation record). */
  watch(check: (now: number) => void): () => void {
    this.watchers.add(check);
    return () => this.watchers.delete(check);
  }

  settle(): Promise<void> {
    this.chain = this.chain.then(() => this.drain());
    return this.chain;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      for (const check of [...this.watchers]) check(now);
      const due = this.tasks.filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) return;
      this.tasks.splice(this.tasks.indexOf(due), 1);
      await due.run(due.at);
    }
  }
}
