/**
 * PromQL function signatures, for the type checker (promql-types.ts).
 *
 * Copied from Prometheus `promql/parser/functions.go` at commit
 * 032c05357abf79a6053b403466b3516157994d8f (github.com/prometheus/prometheus). The lezer grammar
 * knows the function names; a name missing here is simply not type-checked, so a newer grammar
 * can never make Vigil refuse a query promtool accepts.
 *
 * `variadic`, as in Prometheus: 0 exactly `args`; n > 0 the last argument is optional and may be
 * repeated up to n times in all; -1 the last argument may be repeated without limit.
 * `experimental` functions load only with --enable-feature=promql-experimental-functions, which
 * `promtool check rules` does not take.
 */
export type ValueType = 'instant vector' | 'range vector' | 'scalar' | 'string';

export interface FunctionSignature {
  readonly args: readonly ValueType[];
  readonly variadic: number;
  readonly returns: ValueType;
  readonly experimental: boolean;
}

const T: Record<string, ValueType> = { v: 'instant vector', m: 'range vector', s: 'scalar', S: 'string' };

/** `args -> returns [variadic] [x]`: one letter per type (v instant vector, m range vector, s scalar, S string), x experimental. */
const TABLE: Record<string, string> = {
  abs: 'v -> v',
  absent: 'v -> v',
  absent_over_time: 'm -> v',
  acos: 'v -> v',
  acosh: 'v -> v',
  asin: 'v -> v',
  asinh: 'v -> v',
  atan: 'v -> v',
  atanh: 'v -> v',
  avg_over_time: 'm -> v',
  ceil: 'v -> v',
  changes: 'm -> v',
  clamp: 'vss -> v',
  clamp_max: 'vs -> v',
  clamp_min: 'vs -> v',
  cos: 'v -> v',
  cosh: 'v -> v',
  count_over_time: 'm -> v',
  days_in_month: 'v -> v 1',
  day_of_month: 'v -> v 1',
  day_of_week: 'v -> v 1',
  day_of_year: 'v -> v 1',
  deg: 'v -> v',
  end: ' -> s 0 x',
  delta: 'm -> v',
  deriv: 'm -> v',
  exp: 'v -> v',
  first_over_time: 'm -> v 0 x',
  floor: 'v -> v',
  histogram_avg: 'v -> v',
  histogram_count: 'v -> v',
  histogram_sum: 'v -> v',
  histogram_stddev: 'v -> v',
  histogram_stdvar: 'v -> v',
  histogram_fraction: 'ssv -> v',
  histogram_quantile: 'sv -> v',
  histogram_quantiles: 'vSss -> v 9 x',
  double_exponential_smoothing: 'mss -> v 0 x',
  hour: 'v -> v 1',
  idelta: 'm -> v',
  increase: 'm -> v',
  info: 'vv -> v 1 x',
  integral: 'ms -> v 1 x',
  irate: 'm -> v',
  label_replace: 'vSSSS -> v',
  label_join: 'vSSS -> v -1',
  last_over_time: 'm -> v',
  ln: 'v -> v',
  log10: 'v -> v',
  log2: 'v -> v',
  mad_over_time: 'm -> v 0 x',
  max_over_time: 'm -> v',
  min_over_time: 'm -> v',
  ts_of_first_over_time: 'm -> v 0 x',
  ts_of_max_over_time: 'm -> v 0 x',
  ts_of_min_over_time: 'm -> v 0 x',
  ts_of_last_over_time: 'm -> v 0 x',
  minute: 'v -> v 1',
  month: 'v -> v 1',
  pi: ' -> s',
  predict_linear: 'ms -> v',
  present_over_time: 'm -> v',
  quantile_over_time: 'sm -> v',
  rad: 'v -> v',
  range: ' -> s 0 x',
  rate: 'm -> v',
  resets: 'm -> v',
  round: 'vs -> v 1',
  scalar: 'v -> s',
  sgn: 'v -> v',
  sin: 'v -> v',
  sinh: 'v -> v',
  sort: 'v -> v',
  sort_desc: 'v -> v',
  sort_by_label: 'vS -> v -1 x',
  sort_by_label_desc: 'vS -> v -1 x',
  sqrt: 'v -> v',
  start: ' -> s 0 x',
  step: ' -> s 0 x',
  stddev_over_time: 'm -> v',
  stdvar_over_time: 'm -> v',
  sum_over_time: 'm -> v',
  tan: 'v -> v',
  tanh: 'v -> v',
  time: ' -> s',
  timestamp: 'v -> v',
  vector: 's -> v',
  year: 'v -> v 1',
};

export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(
  Object.entries(TABLE).map(([name, spec]) => {
    const [args = '', rest = ''] = spec.split('->').map((p) => p.trim());
    const [returns = 'v', variadic = '0', flag] = rest.split(' ');
    return [name, { args: [...args].map((c) => T[c]!), returns: T[returns]!, variadic: Number(variadic), experimental: flag === 'x' }];
  }),
);
