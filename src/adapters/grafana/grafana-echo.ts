import { jsonEqual } from '../../core/apply/json-equal.js';
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
