/** How numbers read on every page: one spelling each, so the list and the detail agree. */

/** A ratio as percent: 0.98765 → "98.77 %"; null (no traffic) → "—". */
export function percent(ratio: number | null, digits = 2): string {
  if (ratio === null) return '—';
  return `${(ratio * 100).toFixed(digits)} %`;
}

/** An objective as the spec wrote it: "99.9" → "99.9 %". */
export function objective(text: string): string {
  return `${text} %`;
}

/** A burn rate: 1 spends the budget exactly over the window. */
export function burn(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)}×`;
}

/** Durations are spelled as the specs spell them: the API's own functions, bundled. */
export { formatDuration as duration, parseDuration } from '../../src/core/duration.js';
import { formatElapsed } from '../../src/core/drills/rto.js';

export function dateTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

/** YYYY-MM of a date, in UTC (reports are by UTC month). */
export function month(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** How long ago, coarsely, for ages in lists: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function age(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A time as read in a schedule's own zone: "Mon 30 Nov, 09:00". */
export function zonedTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** Seconds as drill reports spell elapsed time ("25m 00.000s"); null → "—". */
export function elapsed(seconds: number | null): string {
  return seconds === null ? '—' : formatElapsed(seconds * 1e9);
}
