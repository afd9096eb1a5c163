import type { IncidentDto, IncidentStatus } from '../../../src/modules/web/api-types.js';
import { api } from '../api/api.client.js';
import { INCIDENT_STATUSES } from '../components/incident-status.component.js';
import { age } from '../format.js';

/** What the list shows: the open incidents (the default), one status, or everything. */
export type IncidentView = 'open' | 'all' | IncidentStatus;
export const VIEWS: readonly IncidentView[] = ['open', ...INCIDENT_STATUSES, 'all'];

const OPEN: readonly IncidentStatus[] = ['triggered', 'acknowledged', 'suppressed'];
/** Open incidents are few, and every one of them matters; resolved ones are history, the newest are enough. */
const OPEN_LIMIT = 500;
const RESOLVED_LIMIT = 100;

export function isView(v: string | undefined): v is IncidentView {
  return (VIEWS as readonly string[]).includes(v ?? '');
}

/** The incidents of a view, open ones first (triggered, acknowledged, suppressed), then newest first. */
export async function loadIncidents(view: IncidentView): Promise<{ items: IncidentDto[]; truncated: boolean }> {
  const statuses = view === 'open' ? [OPEN] : view === 'all' ? [OPEN, ['resolved' as const]] : [[view]];
  const pages = await Promise.all(statuses.map((s) => api.incidents(s, s.includes('resolved') ? RESOLVED_LIMIT : OPEN_LIMIT)));
  return { items: sortIncidents(pages.flatMap((p) => p.items)), truncated: pages.some((p) => p.nextCursor !== null) };
}

export function sortIncidents(items: readonly IncidentDto[]): IncidentDto[] {
  const rank = (s: IncidentStatus) => INCIDENT_STATUSES.indexOf(s);
  return [...items].sort((a, b) => rank(a.status) - rank(b.status) || Date.parse(b.triggeredAt) - Date.parse(a.triggeredAt) || Number(b.id) - Number(a.id));
}

/** Who is being paged now, as far as the incident's state and its last escalation say. */
export function pagedText(i: IncidentDto): string {
  switch (i.status) {
    case 'triggered':
      return i.lastPaged ? `Level ${i.lastPaged.level}: ${i.lastPaged.targets.map(bare).join(', ') || 'nobody'}` : 'Nobody yet';
    case 'acknowledged':
      return `${i.acknowledgedBy ?? 'someone'} (acknowledged)`;
    case 'suppressed':
      return 'Nobody (suppressed)';
    case 'resolved':
      return '—';
  }
}

/** A target without a person ("(PagerDuty)", "(Slack #ops)") reads as the sink alone. */
const bare = (target: string) => (target.startsWith('(') && target.endsWith(')') ? target.slice(1, -1) : target);

/** Open: how long since it triggered. Resolved: how long it lasted. */
export function ageText(i: IncidentDto, now: number): string {
  const from = Date.parse(i.triggeredAt);
  return i.resolvedAt ? `lasted ${age((Date.parse(i.resolvedAt) - from) / 1000)}` : age((now - from) / 1000);
}
