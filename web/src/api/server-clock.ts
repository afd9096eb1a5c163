/** How far Vigil's clock is ahead of this browser's, in ms, from the last /api/session answer. */
let offsetMs = 0;

/** Called with `serverTime` of each session answer (the round trip, milliseconds, is ignored). */
export function learnServerTime(iso: string, receivedAt = Date.now()): void {
  const t = Date.parse(iso);
  if (Number.isFinite(t)) offsetMs = t - receivedAt;
}

/**
 * "Now" as Vigil reckons it. Ages and default time ranges use it, so a browser whose clock is off
 * (a laptop that never synced, a VM resumed from a snapshot) shows the ages the API means.
 */
export function serverNow(): number {
  return Date.now() + offsetMs;
}
