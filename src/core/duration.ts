/**
 * Prometheus-style durations ("5m", "1h30m", "30d"), held as whole seconds.
 * Weeks and years are accepted on input; output uses d/h/m/s only because every consumer
 * (Prometheus, Thanos, Mimir) reads those and humans compare "30d" more easily than "4w2d".
 */
const UNIT_SECONDS: Record<string, number> = {
  y: 365 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
};

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * The longest duration Prometheus, Thanos and Mimir read: Go's time.Duration, 2^63 ns (about 292
 * years). Longer ones are refused here, never passed on as a rule promtool rejects or as a number
 * JavaScript rounds.
 */
export const MAX_DURATION_SECONDS = Math.floor(2 ** 63 / 1e9);

/** Seconds, or undefined when the text is not a duration or longer than MAX_DURATION_SECONDS. Sub-second durations are refused. */
export function parseDuration(text: string): number | undefined {
  return durationParts(text)?.seconds;
}

/** Why `text` is not a usable duration, or undefined when it is one. */
export function durationProblem(text: string): string | undefined {
  const parts = durationParts(text);
  if (parts === undefined) return `"${text}" is not a duration (use e.g. 30s, 5m, 1h30m, 30d)`;
  if (parts.seconds === undefined) return `"${text}" is longer than the longest duration Prometheus reads (${formatDuration(MAX_DURATION_SECONDS)}, about 292 years)`;
  return undefined;
}

/** The parsed text: undefined when it is not a duration; `seconds` undefined when it is too long. */
function durationParts(text: string): { seconds: number | undefined } | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const units = ['y', 'w', 'd', 'h', 'm', 's'];
  let total = 0n;
  units.forEach((u, i) => {
    const v = m[i + 1];
    if (v !== undefined) total += BigInt(v) * BigInt(UNIT_SECONDS[u]!);
  });
  return { seconds: total > BigInt(MAX_DURATION_SECONDS) ? undefined : Number(total) };
}

export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const u of ['d', 'h', 'm', 's']) {
    const size = UNIT_SECONDS[u]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86400;

/**
 * Elasticsearch's time units ("36h", "2555d"): one unit only, since Elasticsearch refuses
 * "1d12h"; the largest that divides exactly, seconds otherwise.
 */
export function esDuration(seconds: number): string {
  for (const [unit, size] of [['d', DAY], ['h', HOUR], ['m', MINUTE]] as const) {
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
