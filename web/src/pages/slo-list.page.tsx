import { useEffect, useMemo } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { api } from '../api/api.client.js';
import { useRefreshable } from '../api/use-load.hook.js';
import { usePolling } from '../api/use-polling.hook.js';
import { BudgetBar } from '../components/budget-bar.component.js';
import { BurnRates } from '../components/burn-rates.component.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { FilterSelect } from '../components/filter-select.component.js';
import { StatusBadge, STATUSES, statusWord } from '../components/status.component.js';
import { objective } from '../format.js';
import { sloPath } from '../routes.js';
import { BUDGET_REFRESH_MS, distinct, filterRows, toRows, type SloFilters } from './slo-rows.js';

/** Every SLO, worst first; the filters live in the URL, so a filtered list can be linked and reloaded. */
export function SloListPage() {
  const { query, path, route } = useLocation();
  const { load, refresh } = useRefreshable(() => api.budgets(), []);
  // Budgets change once per budget cycle: read them again as often, keeping the page as it is meanwhile.
  usePolling(refresh, BUDGET_REFRESH_MS, true);
  const rows = useMemo(() => (load.state === 'ok' ? toRows(load.data) : []), [load]);
  const filters: SloFilters = { q: query.q ?? '', service: query.service ?? '', team: query.team ?? '', status: query.status ?? '' };
  const shown = useMemo(() => filterRows(rows, filters), [rows, filters.q, filters.service, filters.team, filters.status]);
  // For bench/scenario-ui.js: when the rows are in the page (effects run after the commit).
  useEffect(() => {
    if (load.state === 'ok') performance.mark('slo-list:rendered');
  }, [load]);
  const set = (key: keyof SloFilters, value: string) => {
    const next = new URLSearchParams({ ...filters, [key]: value });
    for (const [k, v] of [...next]) if (!v) next.delete(k);
    const qs = next.toString();
    route(qs ? `${path}?${qs}` : path, true);
  };

  return (
    <>
      <PageHeading title="Service level objectives" />
      <LoadState load={load} what="the SLOs" />
      {load.state === 'ok' && (
        <>
          <form role="search" class="filters" onSubmit={(e) => e.preventDefault()}>
            <div class="field">
              <label for="filter-q">Search</label>
              <input id="filter-q" type="search" value={filters.q} placeholder="service, SLO or team" onInput={(e) => set('q', (e.target as HTMLInputElement).value)} />
            </div>
            <FilterSelect label="Service" value={filters.service} options={distinct(rows.map((r) => r.service))} onChange={(v) => set('service', v)} />
            <FilterSelect label="Team" value={filters.team} options={distinct(rows.map((r) => r.team))} onChange={(v) => set('team', v)} />
            <FilterSelect label="Status" value={filters.status} options={STATUSES.filter((s) => rows.some((r) => r.status === s))} words={statusWord} onChange={(v) => set('status', v)} />
          </form>
          <p role="status" class="count">
            {shown.length === rows.length ? `${rows.length} SLOs, least budget left first` : `${shown.length} of ${rows.length} SLOs match`}
          </p>
          <div class="scroll" tabIndex={0} role="region" aria-label="SLOs">
            <table class="slo-table" data-testid="slo-table">
              <thead>
                <tr>
                  <th scope="col" class="col-slo">SLO</th>
                  <th scope="col" class="col-status">Status</th>
                  <th scope="col" class="col-budget">Error budget</th>
                  <th scope="col" class="col-team">Team</th>
                  <th scope="col" class="col-objective">Objective</th>
                  <th scope="col" class="col-window">Window</th>
                  <th scope="col" class="col-sli">SLI</th>
                  <th scope="col" class="col-burns">Burn rates</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={`${r.service}/${r.slo}`} data-slo={`${r.service}/${r.slo}`}>
                    <th scope="row">
                      <a href={sloPath(r.service, r.slo)}>
                        <span class="service">{r.service}</span> / {r.slo}
                      </a>
                    </th>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>
                      <BudgetBar remaining={r.remaining} status={r.status} />
                    </td>
                    <td>{r.team ?? '—'}</td>
                    <td>{objective(r.objective)}</td>
                    <td>{r.window}</td>
                    <td>{r.sliKind}</td>
                    <td>
                      <BurnRates rates={r.burnRates} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
