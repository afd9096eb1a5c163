/**
 * "Now", for everything scheduled or stamped. Injected so tests drive time instead of sleeping,
 * and so the core never reads the clock itself. Replicas use their system clocks (NTP keeps
 * them within milliseconds, far below any slot or lease).
 */
export abstract class Clock {
  abstract now(): Date;
}

/** A clock that stands still until told: tests and benchmarks pin or step time with it. */
export class ManualClock extends Clock {
  constructor(private current: Date) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(to: Date): void {
    this.current = new Date(to.getTime());
  }

  advance(seconds: number): Date {
    this.current = new Date(this.current.getTime() + seconds * 1000);
    return this.now();
  }
}

/**
 * A monotonic clock for measuring durations (RTO and its phases): never stepped by NTP, so an
 * interval is the time that passed. Nanoseconds as bigint (Node: hrtime.bigint).
 */
export abstract class MonotonicClock {
  abstract nanos(): bigint;
}
