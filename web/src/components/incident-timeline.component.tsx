import type { IncidentDetailDto } from '../../../src/modules/web/api-types.js';
import { dateTime } from '../format.js';
import { DataTable } from './data-table.component.js';

/** The kinds as people say them; the API's own name stays on `data-kind`. */
const KINDS: Readonly<Record<string, string>> = {
  notification_received: 'Notification',
  triggered: 'Triggered',
  reopened: 'Re-opened',
  suppressed: 'Suppressed',
  unsuppressed: 'Unsuppressed',
  alerts_changed: 'Alerts changed',
  escalated: 'Paged',
  level_skipped: 'Level skipped',
  escalation_exhausted: 'Escalation exhausted',
  page_delivered: 'Page delivered',
  page_attempt_lost: 'Page attempt lost',
  delivery_failed: 'Delivery failed',
  fallback_notified: 'Fallback notified',
  acknowledged: 'Acknowledged',
  ack_timeout: 'Acknowledgement timed out',
  resolved: 'Resolved',
  note: 'Note',
  stale: 'Stale',
};

/** Every entry, oldest first, as the API stored it: who, when, what. */
export function IncidentTimeline(props: { timeline: IncidentDetailDto['timeline'] }) {
  return (
    <ol class="timeline" data-testid="timeline">
      {props.timeline.map((e) => (
        <li key={e.id} data-kind={e.kind}>
          <time dateTime={e.at}>{dateTime(e.at)}</time> <strong>{KINDS[e.kind] ?? e.kind}</strong> <span class="muted">by {e.actor}</span>
          <div>{e.message}</div>
        </li>
      ))}
    </ol>
  );
}

/** The alerts inside the incident, each with its own state (a word: firing, resolved, suppressed, stale). */
export function IncidentAlerts(props: { alerts: IncidentDetailDto['alerts'] }) {
  if (props.alerts.length === 0) return <p>No alerts.</p>;
  return (
    <DataTable label="Alerts" testId="alerts" columns={['Alert', 'State', 'Labels', 'Started', 'Ended']}>
          {props.alerts.map((a) => (
            <tr key={a.fingerprint} data-fingerprint={a.fingerprint}>
              <th scope="row">{a.labels.alertname ?? a.fingerprint}</th>
              <td>
                {a.state}
                {a.reason && <div class="muted">{a.reason}</div>}
              </td>
              <td class="labels">
                {Object.entries(a.labels)
                  .filter(([k]) => k !== 'alertname')
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </td>
              <td>{dateTime(a.startsAt)}</td>
              <td>{a.endsAt ? dateTime(a.endsAt) : '—'}</td>
            </tr>
          ))}
    </DataTable>
  );
}
