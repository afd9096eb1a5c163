/**
 * A time as a user types it: epoch seconds (what Prometheus's API takes) or ISO 8601. Returns
 * epoch seconds, or undefined when the text is neither.
 */
export function parseTimeText(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
