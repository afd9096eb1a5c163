import type { IncidentDetailDto } from '../../../src/modules/web/api-types.js';
import { api } from '../api/api.client.js';
import { useLiveRefresh } from '../api/live-events.client.js';
import { useRefreshable } from '../api/use-load.hook.js';
import { IncidentActions } from '../components/incident-actions.component.js';
import { IncidentStatusBadge } from '../components/incident-status.component.js';
import { IncidentAlerts, IncidentTimeline } from '../components/incident-timeline.component.js';
import { LiveStateNote } from '../components/live-state.component.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { dateTime } from '../format.js';
import { PATHS } from '../routes.js';
import { pagedText } from './incident-rows.js';

export function IncidentDetailPage(props: { params: { id: string } }) {
  const { id } = props.params;
  const { load, refresh } = useRefreshable(() => api.incident(id), [id]);
  // Acks, escalations and notes made elsewhere (another responder, PagerDuty, Slack) show as they happen.
  useLiveRefresh(refresh, (e) => e.kind === 'resync' || e.id === id);
  return (
    <>
      <PageHeading title={load.state === 'ok' ? load.data.title : `Incident ${id}`} />
      <p>
        <a href={PATHS.incidents}>← All incidents</a>
      </p>
      <LiveStateNote />
      <LoadState load={load} what={`incident ${id}`} />
      {load.state === 'ok' && <IncidentDetail incident={load.data} changed={refresh} />}
    </>
  );
}

function IncidentDetail(props: { incident: IncidentDetailDto; changed: () => void }) {
  const i = props.incident;
  return (
    <>
      <dl class="facts" data-testid="incident-facts">
        <dt>Status</dt>
        <dd>
          <IncidentStatusBadge status={i.status} />
          {i.statusReason && <span class="muted"> {i.statusReason}</span>}
        </dd>
        <dt>Severity</dt>
        <dd>
          {i.severity ?? '—'} ({i.urgency} urgency)
        </dd>
        <dt>Service</dt>
        <dd>
          {i.service ?? '—'}
          {i.team && ` (team ${i.team})`}
        </dd>
        <dt>Route and policy</dt>
        <dd>
          {i.route} → {i.policy}
        </dd>
        <dt>Triggered</dt>
        <dd>{dateTime(i.triggeredAt)}</dd>
        <dt>Paged</dt>
        <dd data-testid="paged">{pagedText(i)}</dd>
        {i.acknowledgedAt && (
          <>
            <dt>Acknowledged</dt>
            <dd>
              {dateTime(i.acknowledgedAt)} by {i.acknowledgedBy}
            </dd>
          </>
        )}
        {i.resolvedAt && (
          <>
            <dt>Resolved</dt>
            <dd>
              {dateTime(i.resolvedAt)} by {i.resolvedBy}
            </dd>
          </>
        )}
        {i.flapCount > 0 && (
          <>
            <dt>Flaps</dt>
            <dd>{i.flapCount}</dd>
          </>
        )}
      </dl>
      <IncidentActions incident={i} changed={props.changed} />
      <h2>Alerts</h2>
      <IncidentAlerts alerts={i.alerts} />
      <h2>Timeline</h2>
      <IncidentTimeline timeline={i.timeline} />
    </>
  );
}
