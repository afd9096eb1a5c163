/**
 * Where each page lives. The server answers index.html for these paths (and any other non-API
 * page path), so a deep link or a reload lands on the right page. Incidents, on-call, drills and
 * the audit log get their paths here when their pages are written.
 */
export const PATHS = {
  slos: '/slos',
  slo: '/slos/:service/:slo',
} as const;

export function sloPath(service: string, slo: string): string {
  return `/slos/${encodeURIComponent(service)}/${encodeURIComponent(slo)}`;
}
