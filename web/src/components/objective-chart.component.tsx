import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { elapsed } from '../format.js';
import { horizontalLine } from './chart-lines.js';

/** What the chart is given: run start times (epoch seconds) and the measurement in seconds (null: not measured). */
export type ObjectiveData = [number[], (number | null)[]];

/**
 * One measurement of a drill (RTO or RPO) run after run, against its objective drawn as a dashed
 * line: a point above the line missed it. The data handed to uPlot is on `data-series` (and the
 * objective on `data-objective`), so a test can compare it with the API; the runs table on the
 * same page lists every value for readers who cannot see the chart.
 */
export function ObjectiveChart(props: { title: string; testId: string; data: ObjectiveData; objective: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || props.data[0].length === 0) return;
    const plot = new uPlot(options(el.clientWidth, props.title, props.objective), props.data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.data, props.objective]);

  const measured = props.data[1].filter((v): v is number => v !== null);
  const missed = measured.filter((v) => v > props.objective).length;
  const summary = `${props.title}: ${measured.length} measured run(s), ${missed} above the objective of ${elapsed(props.objective)}`;
  if (props.data[0].length === 0) return <p>No finished runs yet.</p>;
  return (
    <figure class="chart" data-testid={props.testId} data-series={JSON.stringify(props.data)} data-objective={props.objective}>
      <div ref={box} class="chart-canvas small" role="img" aria-label={summary} />
      <figcaption>{summary}; the dashed line is the objective.</figcaption>
    </figure>
  );
}

function options(width: number, title: string, objective: number): uPlot.Options {
  return {
    width,
    height: 220,
    title,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    // Zero up to above both the objective and the worst run, so the line and every point show.
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(objective, max ?? 0) * 1.15] } },
    axes: [{}, { values: (_u, ticks) => ticks.map((v) => `${Math.round(v / 60)} min`), size: 60 }],
    series: [{}, { label: title, stroke: '#1d4ed8', width: 2, points: { show: true, size: 7 }, spanGaps: false, value: (_u, v) => (v === null ? '—' : elapsed(v)) }],
    hooks: { draw: [horizontalLine(objective, '#b91c1c')] },
  };
}
