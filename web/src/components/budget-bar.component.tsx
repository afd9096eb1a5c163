import { percent } from '../format.js';
import type { UiStatus } from './status.component.js';

/**
 * The remaining error budget: a bar from 0 to 100 %, and below zero a bar of what was overspent
 * (hatched, growing from the left up to 100 % overspent). The number beside it is the value; the
 * bar only illustrates it and is hidden from screen readers.
 */
export function BudgetBar(props: { remaining: number | null; status: UiStatus }) {
  const r = props.remaining;
  if (r === null) return <span class="budget budget-none">—</span>;
  const overspent = r < 0;
  const width = Math.min(1, Math.abs(r)) * 100;
  return (
    <span class={`budget${overspent ? ' budget-overspent' : ''}`} data-remaining={r}>
      <span class="budget-track" aria-hidden="true">
        <span class={`budget-fill budget-${props.status}`} style={{ width: `${width}%` }} />
      </span>
      <span class="budget-text">{overspent ? `${percent(-r, 1)} overspent` : `${percent(r, 1)} left`}</span>
    </span>
  );
}
