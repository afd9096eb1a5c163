import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistoryPoint } from '../../../src/modules/web/api-types.js';
import { dateTime, percent } from '../format.js';
import { horizontalLine } from './chart-lines.js';

/** What the chart is given: epoch seconds and remaining budget (1 untouched, 0 spent, < 0 overspent). */
export type BurnDownData = [number[], number[]];

export function burnDownData(points: readonly HistoryPoint[]): BurnDownData {
  return [points.map((p) => Date.parse(p.at) / 1000), points.map((p) => p.errorBudgetRemaining)];
}

/**
 * The error budget left over the SLO window, from stored snapshots (uPlot, as Grafana's time-series
 * panel). The exact data handed to uPlot is also on `data-series`, so a test can compare what was
 * drawn with what the API stored; a table of the same points serves readers who cannot see it.
 */
export function BurnDownChart(props: { points: readonly HistoryPoint[]; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const data = burnDownData(props.points);

  useEffect(() => {
    const el = box.current;
    if (!el || data[0].length === 0) return;
    const plot = new uPlot(options(el.clientWidth, props.title), data, el);
    // Follows the layout (window resizes, 200 % zoom) instead of a fixed width.
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.points]);

  if (props.points.length === 0) return <p>No stored budget history in this window yet.</p>;
  const last = props.points[props.points.length - 1]!;
  return (
    <figure class="chart" data-testid="burn-down" data-series={JSON.stringify(data)}>
      <div ref={box} class="chart-canvas" role="img" aria-label={`${props.title}: ${props.points.length} points, ${percent(last.errorBudgetRemaining, 1)} left at ${dateTime(last.at)}`} />
      <figcaption>
        {props.title}: {props.points.length} stored points from {dateTime(props.points[0]!.at)} to {dateTime(last.at)}.
      </figcaption>
      <details>
        <summary>Show the points as a table</summary>
        <div class="scroll" tabIndex={0} role="region" aria-label="Burn-down points">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Budget left</th>
              </tr>
            </thead>
            <tbody>
              {props.points.map((p) => (
                <tr key={p.at}>
                  <td>{dateTime(p.at)}</td>
                  <td>{percent(p.errorBudgetRemaining, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function options(width: number, title: string): uPlot.Options {
  return {
    width,
    height: 260,
    title,
    // Times in UTC, as every other time on the page.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    // From full (100 %) down to spent (0) at least, so a healthy budget does not look like a cliff.
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max)] } },
    axes: [{}, { values: (_u, ticks) => ticks.map((v) => `${Math.round(v * 100)} %`), size: 60 }],
    series: [
      {},
      { label: 'Budget left', stroke: '#1d4ed8', width: 2, fill: 'rgba(29, 78, 216, 0.08)', value: (_u, v) => (v === null ? '—' : percent(v, 1)) },
    ],
    // Zero is where the budget is spent: drawn as a line, so overspending reads as "below the line".
    hooks: { draw: [horizontalLine(0, '#b91c1c')] },
  };
}
