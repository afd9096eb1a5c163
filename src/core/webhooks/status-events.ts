import type { BudgetStatus } from '../budget/error-budget.js';
import { sloKey } from '../budget/budget-queries.js';

/**
 * Which webhook events an error-budget evaluation fires. Events follow status *transitions*, not
 * levels: an SLO that stays exhausted for a week notifies once, when it became exhausted.
 * Pure: the evaluation time comes in as an argument.
 */
export const SLO_EVENT_TYPES = ['slo.at_risk', 'slo.exhausted', 'slo.recovered'] as const;
export type SloEventType = (typeof SLO_EVENT_TYPES)[number];

/** One SLO's budget as the budget job evaluated it. */
export interface SloBudgetState {
  readonly service: string;
  readonly slo: string;
  /** Percent as exact decimal text, e.g. "99.9". */
  readonly objective: string;
  readonly status: BudgetStatus;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number;
  readonly burnRates: Readonly<Record<string, number | null>>;
  readonly windowSeconds: number;
}

export interface SloEvent {
  readonly type: SloEventType;
  /** Evaluation time, epoch seconds. */
  readonly at: number;
  readonly service: string;
  readonly slo: string;
  readonly objective: string;
  /** The last known status; null on the first evaluation ever. Never 'no-data'. */
  readonly previousStatus: BudgetStatus | null;
  readonly status: BudgetStatus;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number;
  readonly burnRates: Readonly<Record<string, number | null>>;
  readonly windowSeconds: number;
}


/**
 * The transition table, as data. Rows: last known status (null = never evaluated); columns: the
 * new status. Missing entries fire nothing.
 *
 * - Anything → exhausted fires `slo.exhausted`.
 * - healthy or never seen → at-risk fires `slo.at_risk`: on the first evaluation an SRE still
 *   wants to hear about an SLO that is already in trouble.
 * - exhausted → at-risk fires `slo.at_risk` too: bad minutes rolled out of the window and some
 *   budget came back, but the SLO is still in danger; receivers that track state by the latest
 *   event would otherwise keep showing "exhausted" with no event to correct them.
 * - at-risk or exhausted → healthy fires `slo.recovered`.
 * - no-data fires nothing (see statusEvents).
 */
const TRANSITIONS: Readonly<Record<'none' | BudgetStatus, Partial<Record<BudgetStatus, SloEventType>>>> = {
  none: { 'at-risk': 'slo.at_risk', exhausted: 'slo.exhausted' },
  healthy: { 'at-risk': 'slo.at_risk', exhausted: 'slo.exhausted' },
  'at-risk': { exhausted: 'slo.exhausted', healthy: 'slo.recovered' },
  exhausted: { 'at-risk': 'slo.at_risk', healthy: 'slo.recovered' },
  // Only reached when a caller stored no-data despite nextStatuses: treated as never seen.
  'no-data': { 'at-risk': 'slo.at_risk', exhausted: 'slo.exhausted' },
};

/**
 * Events for the SLOs whose status changed since `previous` (keyed by `${service}/${slo}`).
 *
 * A `no-data` evaluation (no traffic, or the metrics source is down) neither fires nor resets: the
 * SLO keeps its last known status, so a scrape gap does not turn into a spurious "recovered" or a
 * second "exhausted" afterwards. The caller therefore must not store no-data as the previous
 * status; `nextStatuses` computes the map to keep.
 */
export function statusEvents(previous: ReadonlyMap<string, BudgetStatus>, current: readonly SloBudgetState[], at: number): SloEvent[] {
  const events: SloEvent[] = [];
  for (const state of current) {
    if (state.status === 'no-data') continue;
    const before = previous.get(sloKey(state.service, state.slo)) ?? null;
    const type = TRANSITIONS[before ?? 'none'][state.status];
    if (!type) continue;
    events.push({
      type,
      at,
      service: state.service,
      slo: state.slo,
      objective: state.objective,
      previousStatus: before === 'no-data' ? null : before,
      status: state.status,
      sli: state.sli,
      errorBudgetRemaining: state.errorBudgetRemaining,
      burnRates: { ...state.burnRates },
      windowSeconds: state.windowSeconds,
    });
  }
  return events;
}

/**
 * The statuses to pass as `previous` next time: each evaluated SLO's new status, except that
 * no-data keeps the last known one (or stays unknown). SLOs not evaluated this time are kept.
 */
export function nextStatuses(previous: ReadonlyMap<string, BudgetStatus>, current: readonly SloBudgetState[]): Map<string, BudgetStatus> {
  const next = new Map(previous);
  for (const state of current) {
    if (state.status !== 'no-data') next.set(sloKey(state.service, state.slo), state.status);
  }
  return next;
}
