import { api } from '../api/api.client.js';
import { useLoad } from '../api/use-load.hook.js';
import { DataTable } from '../components/data-table.component.js';
import { IconBadge } from '../components/icon-badge.component.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { VerdictBadge } from '../components/verdict.component.js';
import { dateTime, elapsed } from '../format.js';
import { drillPath, drillRunPath } from '../routes.js';
import { againstObjective } from './drill-rows.js';

/** Every drill: its schedule, its last run against its objectives, and whether a slot went by without a run. */
export function DrillListPage() {
  const load = useLoad(() => api.drills(), []);
  return (
    <>
      <PageHeading title="DR drills" />
      <LoadState load={load} what="the drills" />
      {load.state === 'ok' && load.data.drills.length === 0 && <p>No drills are defined (drills/*.yaml).</p>}
      {load.state === 'ok' && load.data.drills.length > 0 && (
        <DataTable label="Drills" class="drill-table" testId="drill-table" columns={['Drill', 'Due', 'Schedule', 'Last run', 'RTO', 'RPO']}>
              {load.data.drills.map((d) => (
                <tr key={d.name} data-drill={d.name}>
                  <th scope="row">
                    <a href={drillPath(d.name)}>{d.name}</a>
                    <div class="muted">
                      {d.type}, owner {d.owner}
                    </div>
                  </th>
                  <td>
                    {d.overdue ? (
                      <IconBadge class="status-exhausted" icon={{ d: 'M8 4.5v4.5M8 11.5v.5', circle: true }} word="Overdue" data={{ 'data-overdue': 'true' }} />
                    ) : (
                      <IconBadge class="status-healthy" icon={{ d: 'M4 8.5l3 3 5-7' }} word="On schedule" data={{ 'data-overdue': 'false' }} />
                    )}
                  </td>
                  <td>
                    <code>{d.schedule.cron}</code> {d.schedule.timeZone}
                    <div class="muted">next {d.schedule.next ? dateTime(d.schedule.next) : '—'}</div>
                  </td>
                  <td>
                    {d.lastRun ? (
                      <>
                        <VerdictBadge verdict={d.lastRun.verdict} /> <a href={drillRunPath(d.lastRun.runId)}>{dateTime(d.lastRun.startedAt)}</a>
                      </>
                    ) : (
                      'Never run'
                    )}
                  </td>
                  <td>{d.lastRun ? againstObjective(d.lastRun.rtoSeconds, d.objectives.rtoSeconds, elapsed) : '—'}</td>
                  <td>{d.lastRun ? againstObjective(d.lastRun.rpoSeconds, d.objectives.rpoSeconds, elapsed) : '—'}</td>
                </tr>
              ))}
        </DataTable>
      )}
    </>
  );
}
