import { Clock } from '../../core/ports/clock.js';

/** The machine's wall clock. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
