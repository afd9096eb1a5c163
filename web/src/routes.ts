/**
 * Where each page lives. The server answers index.html for these paths (and any other non-API
 * page path), so a deep link or a reload lands on the right page.
 */
export const PATHS = {
  slos: '/slos',
  slo: '/slos/:service/:slo',
  incidents: '/incidents',
  incident: '/incidents/:id',
  oncall: '/oncall',
  drills: '/drills',
  drill: '/drills/:name',
  drillRun: '/drill-runs/:id',
  audit: '/audit',
} as const;

export function sloPath(service: string, slo: string): string {
  return `/slos/${encodeURIComponent(service)}/${encodeURIComponent(slo)}`;
}

export function incidentPath(id: string): string {
  return `/incidents/${encodeURIComponent(id)}`;
}

export function drillPath(name: string): string {
  return `/drills/${encodeURIComponent(name)}`;
}

export function drillRunPath(runId: string): string {
  return `/drill-runs/${encodeURIComponent(runId)}`;
}
