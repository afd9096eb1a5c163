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

/** Seconds, or undefined when the text is not a duration. Sub-second durations are refused. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const units = ['y', 'w', 'd', 'h', 'm', 's'];
  let total = 0;
  units.forEach((u, i) => {
    const v = m[i + 1];
    if (v !== undefined) total += Number(v) * UNIT_SECONDS[u]!;
  });
  return total;
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
