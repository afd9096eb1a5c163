import { useLocation } from 'preact-iso/router';
import type { AuditPageDto } from '../../../src/modules/web/api-types.js';
import { api } from '../api/api.client.js';
import { useLoad } from '../api/use-load.hook.js';
import { DataTable } from '../components/data-table.component.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { dateTime } from '../format.js';
import { PATHS } from '../routes.js';

/** Entries per page: one screenful or two. */
export const AUDIT_PAGE = 50;

/**
 * The audit log, newest first, a page at a time; the page's cursor is in the URL (?before=), so
 * a page can be linked and reloaded. For roles with `audit` (admin, viewer); the API refuses others.
 */
export function AuditPage() {
  const { query } = useLocation();
  const before = query.before;
  const load = useLoad(() => api.audit(AUDIT_PAGE, before), [before]);
  return (
    <>
      <PageHeading title="Audit log" />
      <p class="muted">Every change made through the API, including refusals, and every token change made with the vigil command; newest first.</p>
      <LoadState load={load} what="the audit log" />
      {load.state === 'ok' && <AuditTable page={load.data} first={!before} />}
    </>
  );
}

function AuditTable(props: { page: AuditPageDto; first: boolean }) {
  const { entries, nextCursor } = props.page;
  return (
    <>
      <p role="status" class="count">
        {entries.length === 0 ? 'No entries.' : `${entries.length} entries, ${dateTime(entries[0]!.at)} back to ${dateTime(entries.at(-1)!.at)}`}
      </p>
      {entries.length > 0 && (
        <DataTable label="Audit log entries" class="audit-table" testId="audit-table" columns={['When', 'Who', 'What', 'Outcome', 'Detail']}>
              {entries.map((e) => (
                <tr key={e.id} data-entry={e.id}>
                  <td>{dateTime(e.at)}</td>
                  <td>
                    {e.actor}
                    {e.role && <span class="muted"> ({e.role})</span>}
                  </td>
                  <th scope="row">
                    {e.method} {e.path}
                  </th>
                  <td>{outcome(e.method, e.status)}</td>
                  <td class="labels">{e.detail ? JSON.stringify(e.detail) : '—'}</td>
                </tr>
              ))}
        </DataTable>
      )}
      <nav class="pager" aria-label="Audit log pages">
        {!props.first && <a href={PATHS.audit}>Newest entries</a>}
        {nextCursor && <a href={`${PATHS.audit}?before=${encodeURIComponent(nextCursor)}`}>Older entries</a>}
      </nav>
    </>
  );
}

/** The status with what it means, in words: a denial must not read like a success. */
function outcome(method: string, status: number): string {
  if (method === 'CLI' || method === 'START') return status === 0 ? '0 done' : `${status} failed`;
  if (status < 400) return `${status} done`;
  if (status === 401 || status === 403) return `${status} refused`;
  return `${status} failed`;
}
