import { burn, parseDuration } from '../format.js';

/**
 * Burn rate per alert window, shortest window first; 1× spends the budget exactly over the SLO
 * window. One text node per SLO: a list of 1,000 SLOs draws seven windows each.
 */
export function BurnRates(props: { rates: Readonly<Record<string, number | null>> }) {
  const windows = Object.keys(props.rates).sort((a, b) => (parseDuration(a) ?? 0) - (parseDuration(b) ?? 0));
  if (windows.length === 0) return <span>—</span>;
  return <span class="burns">{windows.map((w) => `${w} ${burn(props.rates[w])}`).join(' · ')}</span>;
}
