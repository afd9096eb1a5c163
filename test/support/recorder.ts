import { EventEmitter } from 'node:events';

/**
 * What a contract server received, in arrival order, with a way to wait for the n-th entry
 * instead of sleeping and hoping. Waits fail with what did arrive, so a hang explains itself.
 */
export class Recorder<T> {
  readonly entries: T[] = [];
  private readonly events = new EventEmitter();

  add(entry: T): void {
    this.entries.push(entry);
    this.events.emit('added');
  }

  /** Resolves once at least `count` entries match (all entries when no predicate). */
  waitFor(count: number, predicate: (entry: T) => boolean = () => true, timeoutMs = 30_000): Promise<T[]> {
    const matching = () => this.entries.filter(predicate);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = matching();
        if (found.length < count) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waited ${timeoutMs} ms for ${count} entries, have ${matching().length}: ${JSON.stringify(this.entries).slice(0, 2000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('added', check);
      };
      this.events.on('added', check);
      check();
    });
  }
}

/** A fault to answer with instead of the real answer: for a while, a number of times, or both (whichever ends first). */
export interface FaultWindow {
  /** Milliseconds from when the fault is set. */
  readonly forMs?: number;
  /** How many requests it answers. */
  readonly times?: number;
}

export class Faults<F> {
  private current: { fault: F; until?: number; left?: number } | undefined;

  /**
   * @param now milliseconds since the epoch; a test driving Vigil with a ManualClock passes the
   * same clock, so "429 for two minutes" lasts two minutes of that clock, not of the wall.
   */
  constructor(private readonly now: () => number = Date.now) {}

  set(fault: F, window: FaultWindow = {}): void {
    this.current = { fault, ...(window.forMs !== undefined ? { until: this.now() + window.forMs } : {}), ...(window.times !== undefined ? { left: window.times } : {}) };
  }

  clear(): void {
    this.current = undefined;
  }

  /** The fault that applies to this request, counting it; undefined when none is left or it is meant for another kind of request. */
  take(appliesTo: (fault: F) => boolean = () => true): F | undefined {
    const c = this.current;
    if (!c) return undefined;
    if ((c.until !== undefined && this.now() >= c.until) || (c.left !== undefined && c.left <= 0)) {
      this.current = undefined;
      return undefined;
    }
    if (!appliesTo(c.fault)) return undefined;
    if (c.left !== undefined) c.left -= 1;
    return c.fault;
  }
}
