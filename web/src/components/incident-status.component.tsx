import type { IncidentStatus } from '../../../src/modules/web/api-types.js';
import { IconBadge, type BadgeIcon } from './icon-badge.component.js';

/** Open first, then by how much attention it needs: the order of the list and of the status filter. */
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['triggered', 'acknowledged', 'suppressed', 'resolved'];

const WORDS: Record<IncidentStatus, string> = { triggered: 'Triggered', acknowledged: 'Acknowledged', suppressed: 'Suppressed', resolved: 'Resolved' };

const ICONS: Record<IncidentStatus, BadgeIcon> = {
  triggered: { d: 'M8 4.5v4.5M8 11.5v.5', circle: true }, // an exclamation mark in a circle
  acknowledged: { d: 'M1.5 8s2.5-4.5 6.5-4.5S14.5 8 14.5 8s-2.5 4.5-6.5 4.5S1.5 8 1.5 8zM8 6.5a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3' }, // an eye: someone is on it
  suppressed: { d: 'M3.4 12.6l9.2-9.2', circle: true }, // a circle struck through
  resolved: { d: 'M4 8.5l3 3 5-7' }, // a tick
};

export function incidentStatusWord(status: IncidentStatus): string {
  return WORDS[status];
}

export function IncidentStatusBadge(props: { status: IncidentStatus }) {
  return <IconBadge class={`incident-${props.status}`} icon={ICONS[props.status]} word={WORDS[props.status]} data={{ 'data-incident-status': props.status }} />;
}
