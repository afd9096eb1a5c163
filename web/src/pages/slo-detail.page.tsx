import { api, ApiError } from '../api/api.client.js';
import { serverNow } from '../api/server-clock.js';
import { useRefreshable } from '../api/use-load.hook.js';
import { usePolling } from '../api/use-polling.hook.js';
import { AlertWindows } from '../components/alert-windows.component.js';
import { BudgetBar } from '../components/budget-bar.component.js';
import { BurnDownChart } from '../components/burn-down-chart.component.js';
import { IncidentStatusBadge } from '../components/incident-status.component.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { ReportDownload } from '../components/report-download.component.js';
import { StatusBadge } from '../components/status.component.js';
import { TestAlert } from '../components/test-alert.component.js';
import { dateTime, objective, parseDuration, percent } from '../format.js';
import { BUDGET_REFRESH_MS } from './slo-rows.js';

/** One SLO, its budget now and over its window; a 503 (no cycle stored it yet, or budgets off) is shown, not fatal. */
async function loadSlo(service: string, name: string) {
  const [slo, firing, budget] = await Promise.all([
    api.slo(service, name),
    api.sloIncidents(service, name),
    api.budget(service, name).then(
      (b) => ({ budget: b, note: null }),
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 503) return { budget: null, note: err.message };
        throw err;
      },
    ),
  ]);
  const to = new Date(serverNow());
  // The budget's own window (for a calendar month, the month so far); the spec's before any cycle.
  const seconds = budget.budget?.windowSeconds ?? parseDuration(slo.window) ?? 30 * 86400;
  const history = await api.history(service, name, new Date(to.getTime() - seconds * 1000), to);
  return { slo, firing: firing.items, ...budget, history, now: to };
}

export function SloDetailPage(props: { params: { service: string; slo: string } }) {
  const { service, slo: name } = props.params;
  const { load, refresh } = useRefreshable(() => loadSlo(service, name), [service, name]);
  usePolling(refresh, BUDGET_REFRESH_MS, true);

  return (
    <>
      <PageHeading title={`${service} / ${name}`} />
      <p>
        <a href="/slos">← All SLOs</a>
      </p>
      <LoadState load={load} what={`SLO ${service}/${name}`} />
      {load.state === 'ok' && <SloDetail {...load.data} />}
    </>
  );
}

function SloDetail(d: Awaited<ReturnType<typeof loadSlo>>) {
  const { slo, budget } = d;
  return (
    <>
      {slo.description && <p class="description">{slo.description}</p>}
      <dl class="facts">
        <dt>Status</dt>
        <dd>{budget ? <StatusBadge status={budget.status} /> : <StatusBadge status="pending" />}</dd>
        <dt>Team</dt>
        <dd>{slo.team ?? '—'}</dd>
        <dt>Objective</dt>
        <dd>
          {objective(slo.objective)} over {budget?.window === 'month' ? 'the calendar month' : slo.window}
        </dd>
        <dt>SLI ({slo.sliKind})</dt>
        <dd data-testid="sli">{budget ? `${percent(budget.sli, 3)} against ${objective(slo.objective)}` : '—'}</dd>
        <dt>Error budget</dt>
        <dd>{budget ? <BudgetBar remaining={budget.errorBudgetRemaining} status={budget.status} /> : '—'}</dd>
        {budget?.badEvents != null && budget.allowedBadEvents != null && (
          <>
            <dt>Bad events</dt>
            <dd>
              {Math.round(budget.badEvents).toLocaleString('en')} of {Math.round(budget.allowedBadEvents).toLocaleString('en')} allowed
            </dd>
          </>
        )}
        <dt>Budget runs out</dt>
        <dd>{!budget ? '—' : budget.errorBudgetRemaining <= 0 ? 'Already spent' : budget.exhaustionAt ? `${dateTime(budget.exhaustionAt)} at the current burn` : 'Not at the current burn'}</dd>
        {budget && (
          <>
            <dt>Computed</dt>
            <dd>
              {dateTime(budget.computedAt)} ({budget.ageSeconds} s ago)
            </dd>
          </>
        )}
      </dl>
      {d.note && <p role="status">{d.note}</p>}

      <h2>Alerts firing now</h2>
      {d.firing.length === 0 ? (
        <p data-testid="firing-none">No open incident has a firing alert of this SLO.</p>
      ) : (
        <ul class="firing" data-testid="firing">
          {d.firing.map((i) => (
            <li key={i.id}>
              <IncidentStatusBadge status={i.status} /> <a href={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</a>
              {i.severity ? ` (${i.severity})` : ''}, since {dateTime(i.triggeredAt)}
            </li>
          ))}
        </ul>
      )}

      <h2>Budget burn-down</h2>
      <BurnDownChart points={d.history.points} title={`${slo.service}/${slo.name}: error budget left`} />

      <h2>Burn rate per alert window</h2>
      <AlertWindows windows={slo.alertWindows} rates={budget?.burnRates ?? null} />

      <h2>Links</h2>
      <ul class="links">
        <li>
          {slo.links.dashboardUrl ? <a href={slo.links.dashboardUrl}>Grafana dashboard ({slo.links.dashboardUid})</a> : <>Grafana dashboard <code>{slo.links.dashboardUid}</code> (set VIGIL_GRAFANA_URL to link it)</>}
        </li>
        <li>{slo.links.runbookUrl ? <a href={slo.links.runbookUrl}>Runbook</a> : <>Runbook: <code>{slo.links.runbook}</code></>}</li>
        <li>
          Spec: <code>{slo.file}</code>
        </li>
      </ul>

      <h2>Monthly report</h2>
      <ReportDownload now={d.now} />

      <TestAlert service={slo.service} slo={slo.name} />
    </>
  );
}
