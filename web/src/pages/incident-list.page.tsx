import { useLocation } from 'preact-iso/router';
import { useLiveRefresh } from '../api/live-events.client.js';
import { useRefreshable } from '../api/use-load.hook.js';
import { DataTable } from '../components/data-table.component.js';
import { FilterSelect } from '../components/filter-select.component.js';
import { IncidentStatusBadge, incidentStatusWord } from '../components/incident-status.component.js';
import { LiveStateNote } from '../components/live-state.component.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { useNow } from '../components/use-now.hook.js';
import { dateTime } from '../format.js';
import { incidentPath } from '../routes.js';
import { ageText, isView, loadIncidents, pagedText, VIEWS, type IncidentView } from './incident-rows.js';

const VIEW_WORDS = (v: IncidentView) => (v === 'open' ? 'Open' : v === 'all' ? 'All' : incidentStatusWord(v));

/** Incidents, open ones first; the status filter lives in the URL; changes made anywhere show without a reload. */
export function IncidentListPage() {
  const { query, path, route } = useLocation();
  const view: IncidentView = isView(query.status) ? query.status : 'open';
  const { load, refresh } = useRefreshable(() => loadIncidents(view), [view]);
  useLiveRefresh(refresh);
  const now = useNow();

  return (
    <>
      <PageHeading title="Incidents" />
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect label="Status" value={view} options={VIEWS} words={VIEW_WORDS} all={false} onChange={(v) => route(v === 'open' ? path : `${path}?status=${v}`, true)} />
      </form>
      <LiveStateNote />
      <LoadState load={load} what="the incidents" />
      {load.state === 'ok' && (
        <>
          <p role="status" class="count">
            {load.data.items.length === 0 ? `No ${view === 'all' ? '' : `${VIEW_WORDS(view).toLowerCase()} `}incidents.` : `${load.data.items.length} incidents${view === 'all' ? ', open ones first' : ''}`}
            {load.data.truncated && ' (the newest only)'}
          </p>
          {load.data.items.length > 0 && (
            <DataTable label="Incidents" class="incident-table" testId="incident-table" columns={['Incident', 'Status', 'Severity', 'Service', 'Age', 'Paged']}>
                  {load.data.items.map((i) => (
                    <tr key={i.id} data-incident={i.id}>
                      <th scope="row">
                        <a href={incidentPath(i.id)}>{i.title}</a> <span class="muted">#{i.id}</span>
                      </th>
                      <td>
                        <IncidentStatusBadge status={i.status} />
                      </td>
                      <td>{i.severity ?? '—'}</td>
                      <td>{i.service ?? '—'}</td>
                      <td data-triggered-at={i.triggeredAt} title={`Triggered ${dateTime(i.triggeredAt)}`}>
                        {ageText(i, now)}
                      </td>
                      <td>{pagedText(i)}</td>
                    </tr>
                  ))}
            </DataTable>
          )}
        </>
      )}
    </>
  );
}
