import { readSpecDir } from '../../adapters/files/spec-files.js';
import { readBudgets } from '../../usecases/read-budgets.js';
import { PrometheusClient } from '../../adapters/prometheus/prometheus.client.js';
import { budgetView, type BudgetView } from '../../core/budget/budget-view.js';
import { check } from '../../core/check.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { parseTimeText } from '../../core/time-text.js';
import type { Slo } from '../../core/model/slo.js';
import { EXIT, type CliIo } from '../io.js';
import { prometheusAuthFromProcess } from '../prometheus-env.js';

export interface BudgetOptions {
  readonly slos: string;
  readonly prometheus?: string;
  readonly json: boolean;
  /** ISO 8601 or epoch seconds; default now. */
  readonly at?: string;
}

/**
 * `vigil budget [service/slo]`: every SLO's budget, straight from Prometheus (no database), as a
 * table or JSON. `vigil budget check service/slo` is the deploy gate: exit 1 when the budget is
 * exhausted, 2 when it cannot be known (bad arguments, Prometheus unreachable) — a pipeline
 * decides whether "unknown" blocks.
 */
export async function budgetCommand(target: string | undefined, opts: BudgetOptions, io: CliIo): Promise<number> {
  const got = await budgetsFor(target, opts, io);
  if (typeof got === 'number') return got;
  if (opts.json) io.out(`${JSON.stringify(got, null, 2)}\n`);
  else io.out(table(got));
  return EXIT.ok;
}

export async function budgetCheckCommand(target: string, opts: BudgetOptions, io: CliIo): Promise<number> {
  const got = await budgetsFor(target, opts, io);
  if (typeof got === 'number') return got;
  const b = got[0]!;
  const left = `${pct(b.errorBudgetRemaining)} of the error budget left (${b.window}, objective ${b.objective}%)`;
  if (opts.json) io.out(`${JSON.stringify({ ...b, pass: b.status !== 'exhausted' }, null, 2)}\n`);
  switch (b.status) {
    case 'exhausted':
      if (!opts.json) io.err(`FAIL ${b.service}/${b.slo}: error budget exhausted: ${left}\n`);
      return EXIT.problems;
    case 'no-data':
      if (!opts.json) io.err(`PASS ${b.service}/${b.slo}: no traffic in the window, nothing to judge\n`);
      return EXIT.ok;
    default:
      if (!opts.json) io.out(`PASS ${b.service}/${b.slo}: ${b.status}, ${left}\n`);
      return EXIT.ok;
  }
}

async function budgetsFor(target: string | undefined, opts: BudgetOptions, io: CliIo): Promise<BudgetView[] | number> {
  const url = opts.prometheus ?? process.env.PROMETHEUS_URL;
  if (!url) {
    io.err('vigil budget: no Prometheus to ask: pass --prometheus URL or set PROMETHEUS_URL\n');
    return EXIT.usage;
  }
  const at = opts.at === undefined ? Date.now() / 1000 : parseTimeText(opts.at);
  if (at === undefined) {
    io.err(`vigil budget: --at "${opts.at}" is not an ISO 8601 time or epoch seconds\n`);
    return EXIT.usage;
  }
  const checked = check(await readSpecDir(opts.slos, io.cwd));
  if (checked.diagnostics.length > 0) {
    for (const d of checked.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    io.err(`${checked.diagnostics.length} problem(s) in the specs; fix them first (vigil validate)\n`);
    return EXIT.problems;
  }
  let slos: Slo[] = checked.fleet.services.flatMap((s) => s.slos);
  if (target !== undefined) {
    const [service, name, extra] = target.split('/');
    if (!service || extra !== undefined) {
      io.err(`vigil budget: "${target}" is not service or service/slo\n`);
      return EXIT.usage;
    }
    slos = slos.filter((s) => s.service === service && (name === undefined || s.name === name));
    if (slos.length === 0) {
      io.err(`vigil budget: no SLO ${target} in ${opts.slos}\n`);
      return EXIT.usage;
    }
  }
  try {
    const { budgets } = await readBudgets(new PrometheusClient(url, { auth: prometheusAuthFromProcess() }), slos, at);
    return budgets.map(budgetView);
  } catch (err) {
    io.err(`vigil budget: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
}


function table(rows: readonly BudgetView[]): string {
  const head = ['SLO', 'OBJECTIVE', 'WINDOW', 'SLI', 'REMAINING', 'BURN', 'EXHAUSTED AT', 'STATUS'];
  const body = rows.map((b) => {
    const burnWindow = Object.keys(b.burnRates).find((w) => w === '1h') ?? Object.keys(b.burnRates)[0];
    const burn = burnWindow === undefined ? null : b.burnRates[burnWindow];
    return [
      `${b.service}/${b.slo}`,
      `${b.objective}%`,
      b.window,
      b.sli === null ? '—' : `${(b.sli * 100).toFixed(3)}%`,
      pct(b.errorBudgetRemaining),
      burn === null || burn === undefined ? '—' : `${burn.toFixed(2)}x ${burnWindow}`,
      b.exhaustionAt?.slice(0, 16).replace('T', ' ') ?? '—',
      b.source === 'raw' ? `${b.status} (raw)` : b.status,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[head, ...body].map(line).join('\n')}\n`;
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
