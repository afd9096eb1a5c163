import { Clock, MonotonicClock } from '../../core/ports/clock.js';

/** The machine's wall clock. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export class SystemMonotonicClock extends MonotonicClock {
  nanos(): bigint {
    return process.hrtime.bigint();
  }
}
