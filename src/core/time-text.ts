/**
 * Times as users type them: epoch seconds (what Prometheus's API takes) or an RFC 3339 date-time
 * with its offset (2025-11-24T16:00:00Z, 2025-11-24T17:00:00.5+01:00). Anything else is refused
 * rather than guessed at: JavaScript's Date would read 2025-02-30 as 2 March and -1 as 1969.
 */

/** Earliest and latest times accepted: 1970-01-01 and 2100-01-01 UTC. Nothing Vigil stores lies outside. */
export const MIN_TIME_SECONDS = 0;
export const MAX_TIME_SECONDS = 4_102_444_800;

const EPOCH = /^\d{1,10}(\.\d{1,9})?$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Epoch seconds, or undefined when the text is neither form or lies outside 1970–2100. */
export function parseTimeText(text: string): number | undefined {
  const seconds = EPOCH.test(text) ? Number(text) : rfc3339(text);
  return seconds !== undefined && seconds >= MIN_TIME_SECONDS && seconds <= MAX_TIME_SECONDS ? seconds : undefined;
}

/** What parseTimeText accepts, for error messages. */
export const TIME_TEXT_HELP = 'must be an RFC 3339 time such as 2025-11-24T16:00:00Z or epoch seconds, between 1970 and 2100';

function rfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ? Number(m[7]) : 0;
  const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59))) return undefined;
  // A day the month does not have (02-30, 04-31) would roll over into the next month.
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 + fraction - offset * 60;
}
