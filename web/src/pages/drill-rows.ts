import type { DrillRunDto } from '../../../src/modules/web/api-types.js';
import type { ObjectiveData } from '../components/objective-chart.component.js';

/** RTO and RPO per finished run, oldest first, as the charts take them. */
export function objectiveSeries(runs: readonly DrillRunDto[]): { rto: ObjectiveData; rpo: ObjectiveData } {
  const finished = runs.filter((r) => r.finishedAt !== null).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const x = finished.map((r) => Date.parse(r.startedAt) / 1000);
  return { rto: [x, finished.map((r) => r.rtoSeconds)], rpo: [x, finished.map((r) => r.rpoSeconds)] };
}

/** "25m 00.000s (objective 1h 00m 00.000s)": a measurement beside what it is held to; above it is said in words. */
export function againstObjective(value: number | null, objective: number, fmt: (s: number | null) => string): string {
  if (value === null) return 'not measured';
  return `${fmt(value)} ${value > objective ? '▲ above' : '▽ within'} ${fmt(objective)}`;
}
