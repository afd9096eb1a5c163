import type { AlertWindowDto } from '../../../src/modules/web/api-types.js';
import { burn } from '../format.js';

/**
 * The SLO's multi-window burn-rate alerts: each row fires when both its windows burn faster than
 * its threshold. "Above" and "below" are words and shapes, not colours only.
 */
export function AlertWindows(props: { windows: readonly AlertWindowDto[]; rates: Readonly<Record<string, number | null>> | null }) {
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label="Burn rate per alert window">
      <table data-testid="alert-windows">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Long window</th>
            <th scope="col">Short window</th>
            <th scope="col">Threshold</th>
            <th scope="col">Now</th>
          </tr>
        </thead>
        <tbody>
          {props.windows.map((w) => {
            const long = props.rates?.[w.longWindow] ?? null;
            const short = props.rates?.[w.shortWindow] ?? null;
            const threshold = Number(w.burnRate);
            const over = long !== null && short !== null && long > threshold && short > threshold;
            return (
              <tr key={`${w.severity}-${w.longWindow}`} data-window={w.longWindow}>
                <th scope="row">
                  {w.severity === 'page' ? 'Page' : 'Ticket'}
                  {!w.enabled && ' (off)'}
                </th>
                <td>
                  {w.longWindow}: <span data-burn={long ?? ''}>{burn(long)}</span>
                </td>
                <td>
                  {w.shortWindow}: <span data-burn={short ?? ''}>{burn(short)}</span>
                </td>
                <td>{w.burnRate}×</td>
                <td class={over ? 'over' : 'under'}>{long === null || short === null ? 'No data' : over ? '▲ Both windows above the threshold' : '▽ Below the threshold'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
