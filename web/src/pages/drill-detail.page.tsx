import { api } from '../api/api.client.js';
import { useState } from 'preact/hooks';
import { useRefreshable } from '../api/use-load.hook.js';
import { usePolling } from '../api/use-polling.hook.js';
import { DataTable } from '../components/data-table.component.js';
import { LoadState } from '../components/load-state.component.js';
import { ObjectiveChart } from '../components/objective-chart.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { RunDrill } from '../components/run-drill.component.js';
import { VerdictBadge } from '../components/verdict.component.js';
import { dateTime, elapsed } from '../format.js';
import { drillRunPath, PATHS } from '../routes.js';
import { againstObjective, objectiveSeries } from './drill-rows.js';

/** How many runs the charts and the table show: a year of weekly drills. */
const RUNS = 52;
/** How often the page reads again while a run is requested or under way (a restore takes minutes). */
const WHILE_RUNNING_MS = 3_000;
/** How long a requested run is waited for to appear: a job that fails before the run starts records none. */
const REQUESTED_WAIT_MS = 120_000;

async function loadDrill(name: string) {
  const [{ drills }, { runs }] = await Promise.all([api.drills(), api.drillRuns(name, RUNS)]);
  const drill = drills.find((d) => d.name === name);
  if (!drill) throw new Error(`no drill named ${name}`);
  return { drill, runs };
}

export function DrillDetailPage(props: { params: { name: string } }) {
  const { name } = props.params;
  const { load, refresh } = useRefreshable(() => loadDrill(name), [name]);
  // A run requested here: the page follows it until it has a verdict, as it does any run under way.
  const [requested, setRequested] = useState<{ runId: string; at: number } | null>(null);
  const runs = load.state === 'ok' ? load.data.runs : [];
  const awaited = requested !== null && !runs.some((r) => r.runId === requested.runId) && Date.now() - requested.at < REQUESTED_WAIT_MS;
  const underWay = runs.some((r) => !r.finishedAt) || awaited;
  usePolling(refresh, WHILE_RUNNING_MS, underWay);
  return (
    <>
      <PageHeading title={`Drill ${name}`} />
      <p>
        <a href={PATHS.drills}>← All drills</a>
      </p>
      <LoadState load={load} what={`drill ${name}`} />
      {load.state === 'ok' && (
        <DrillDetail
          {...load.data}
          requested={(runId) => {
            setRequested({ runId, at: Date.now() });
            refresh();
          }}
        />
      )}
    </>
  );
}

function DrillDetail({ drill, runs, requested }: Awaited<ReturnType<typeof loadDrill>> & { requested: (runId: string) => void }) {
  const series = objectiveSeries(runs);
  return (
    <>
      {drill.description && <p class="description">{drill.description}</p>}
      <dl class="facts">
        <dt>Type and owner</dt>
        <dd>
          {drill.type}, {drill.owner}
        </dd>
        <dt>Schedule</dt>
        <dd>
          <code>{drill.schedule.cron}</code> ({drill.schedule.timeZone}), next {drill.schedule.next ? dateTime(drill.schedule.next) : '—'}
          {drill.overdue && <strong class="error"> Overdue: a slot went by without a run</strong>}
        </dd>
        <dt>Objectives</dt>
        <dd>
          RTO {elapsed(drill.objectives.rtoSeconds)}, RPO {elapsed(drill.objectives.rpoSeconds)}
        </dd>
        <dt>Last passed</dt>
        <dd>{drill.lastPassAt ? dateTime(drill.lastPassAt) : 'Never'}</dd>
      </dl>
      <h2>RTO and RPO over time</h2>
      <div class="charts">
        <ObjectiveChart title="RTO per run" testId="rto-chart" data={series.rto} objective={drill.objectives.rtoSeconds} />
        <ObjectiveChart title="RPO per run" testId="rpo-chart" data={series.rpo} objective={drill.objectives.rpoSeconds} />
      </div>
      <h2>Runs</h2>
      {runs.length === 0 ? (
        <p>No runs yet.</p>
      ) : (
        <DataTable label="Runs" testId="runs" columns={['Started', 'Verdict', 'RTO', 'RPO', 'Trigger']}>
              {runs.map((r) => (
                <tr key={r.runId} data-run={r.runId}>
                  <th scope="row">{r.finishedAt ? <a href={drillRunPath(r.runId)}>{dateTime(r.startedAt)}</a> : dateTime(r.startedAt)}</th>
                  <td>
                    <VerdictBadge verdict={r.verdict} />
                  </td>
                  <td>{againstObjective(r.rtoSeconds, drill.objectives.rtoSeconds, elapsed)}</td>
                  <td>{againstObjective(r.rpoSeconds, drill.objectives.rpoSeconds, elapsed)}</td>
                  <td>
                    {r.trigger} by {r.requestedBy}
                  </td>
                </tr>
              ))}
        </DataTable>
      )}
      <RunDrill name={drill.name} type={drill.type} requested={requested} />
    </>
  );
}
