import { burn, parseDuration } from '../format.js';

/** Burn rate per alert window, shortest window first; 1× spends the budget exactly over the SLO window. */
export function BurnRates(props: { rates: Readonly<Record<string, number | null>> }) {
  const windows = Object.keys(props.rates).sort((a, b) => (parseDuration(a) ?? 0) - (parseDuration(b) ?? 0));
  if (windows.length === 0) return <span>—</span>;
  return (
    <ul class="burns">
      {windows.map((w) => (
        <li key={w} data-window={w}>
          <span class="burn-window">{w}</span> {burn(props.rates[w])}
        </li>
      ))}
    </ul>
  );
}
