import type { BudgetListDto } from '../../../src/modules/web/api-types.js';
import type { UiStatus } from '../components/status.component.js';

/** How often the SLO pages read budgets again: once per budget cycle at its default (VIGIL_BUDGET_INTERVAL, 60 s). */
export const BUDGET_REFRESH_MS = 60_000;

/** One line of the SLO list: a stored budget, or an SLO no cycle has stored one for yet. */
export interface SloRow {
  readonly service: string;
  readonly slo: string;
  readonly team: string | null;
  readonly objective: string;
  readonly window: string;
  readonly sliKind: string;
  readonly status: UiStatus;
  readonly remaining: number | null;
  readonly burnRates: Readonly<Record<string, number | null>>;
}

export interface SloFilters {
  readonly q: string;
  readonly service: string;
  readonly team: string;
  readonly status: string;
}

/** The API's order (least budget left first), then the SLOs without a budget yet. */
export function toRows(list: BudgetListDto): SloRow[] {
  return [
    ...list.budgets.map((b) => ({ service: b.service, slo: b.slo, team: b.team, objective: b.objective, window: b.window, sliKind: b.sliKind, status: b.status, remaining: b.errorBudgetRemaining, burnRates: b.burnRates })),
    ...list.pending.map((p) => ({ ...p, status: 'pending' as const, remaining: null, burnRates: {} })),
  ];
}

/** Search matches service, SLO and team, any part, any case; the selects match exactly. */
export function filterRows(rows: readonly SloRow[], f: SloFilters): SloRow[] {
  const q = f.q.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.service || r.service === f.service) &&
      (!f.team || r.team === f.team) &&
      (!f.status || r.status === f.status) &&
      (!q || `${r.service}/${r.slo} ${r.team ?? ''}`.toLowerCase().includes(q)),
  );
}

export function distinct(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort();
}
