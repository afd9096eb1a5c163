import type { QuerySample } from '../budget/budget-queries.js';

/** A Prometheus-compatible instant query (Prometheus, Thanos Query, Mimir). */
export abstract class MetricsQuery {
  /** Evaluates `promql` at `time` (epoch seconds). Rejects when the server cannot be reached or refuses the query. */
  abstract query(promql: string, time: number): Promise<readonly QuerySample[]>;
}
