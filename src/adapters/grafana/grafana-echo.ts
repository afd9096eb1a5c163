import type { DashboardJson, StoredDashboard } from './grafana-http.client.js';

/** Fields Grafana owns on a stored dashboard: it assigns id and bumps version on every save. */
const SERVER_FIELDS = ['id', 'version'];

export interface DesiredDashboard {
  readonly dashboard: DashboardJson;
  readonly folderUid: string;
}

/** Unchanged when the JSON matches apart from id/version and it sits in the wanted folder. */
export function sameDashboard(desired: DesiredDashboard, current: StoredDashboard): boolean {
  return desired.folderUid === current.folderUid && jsonEqual(withoutServerFields(desired.dashboard), withoutServerFields(current.dashboard));
}

function withoutServerFields(d: DashboardJson): DashboardJson {
  const copy = { ...d };
  for (const f of SERVER_FIELDS) delete copy[f];
  return copy;
}

/** A folder uid from its title, within Grafana's limits (letters, digits, -, _; at most 40). */
export function folderUidFor(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return slug === '' ? 'vigil' : slug;
}

/** Structural equality; key order does not matter, array order does. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
