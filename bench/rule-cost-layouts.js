// The rule layouts the steady-state rule-cost benchmark compares, for the same SLOs:
//   vigil     what `vigil generate` writes today (compiled here from a spec);
//   untiled   Vigil before the SLO window summed 5-minute tiles: every window over the 30 s recordings;
//   sloth     Sloth's documented output (sloth.dev, prometheus/v1): a ratio per alert window from the
//             raw series, the SLO window as the mean of the 5m ratio recording (sum_over_time /
//             count_over_time), metadata and two multiwindow alerts;
//   classic   the SRE Workbook's layout ("Alerting on SLOs", "Implementing SLOs"): every window's
//             ratio from the raw series, the multiwindow, multi-burn-rate alerts over them.
// Written here from those documents, not copied from either project. Every layout is a list of
// groups { name, interval (seconds), rules: [{ record | alert, expr }] }; promtool checks them
// (scenario-rule-cost.js) before anything is measured.

import { parse } from 'yaml';
import { compile } from '../dist/core/compile.js';

/** The SRE Workbook's and Sloth's default tiers: [burn rate, long window, short window]. */
const TIERS = [
  ['14.4', '1h', '5m'],
  ['6', '6h', '30m'],
  ['3', '1d', '2h'],
  ['1', '3d', '6h'],
];
const ALERT_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/**
 * `slos`: [{ name, errors, total }] with bare counter selectors; one service, 99.9 % over 30d.
 * `intervalSeconds`: the global evaluation interval.
 */
export function layouts(slos, intervalSeconds) {
  const vigil = vigilLayout(slos, intervalSeconds);
  return { vigil, untiled: untiledLayout(vigil), sloth: slothLayout(slos, intervalSeconds), classic: classicLayout(slos, intervalSeconds) };
}

export function vigilSpec(slos) {
  const lines = ['apiVersion: vigil/v1', 'service: bench', 'slos:'];
  for (const s of slos) {
    lines.push(`  - name: ${s.name}`, '    objective: 99.9', '    window: 30d', '    sli:', '      events:', `        errorQuery: ${s.errors}`, `        totalQuery: ${s.total}`);
  }
  return `${lines.join('\n')}\n`;
}

function vigilLayout(slos, intervalSeconds) {
  const compiled = compile([{ path: 'slos/bench.yaml', text: vigilSpec(slos) }]);
  if (compiled.diagnostics.length > 0) throw new Error(`the bench spec does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const file = compiled.files.find((f) => f.path === 'rules/bench.rules.yaml');
  return parse(file.content).groups.map((g) => ({
    name: g.name,
    interval: g.interval === undefined ? intervalSeconds : seconds(g.interval),
    rules: g.rules.map(({ record, alert, expr, labels }) => (record ? { record, expr, labels } : { alert, expr })),
  }));
}

/** Vigil's layout with the SLO window over the 30 s recordings again and no tile groups. */
function untiledLayout(vigil) {
  return vigil
    .filter((g) => !g.name.endsWith('-tiles'))
    .map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: r.expr.replaceAll('rate5m_every5m', 'rate5m') })) }));
}

function slothLayout(slos, intervalSeconds) {
  return slos.flatMap((s) => {
    const sel = `{sloth_id="bench-${s.name}", sloth_service="bench", sloth_slo="${s.name}"}`;
    const labels = { sloth_id: `bench-${s.name}`, sloth_service: 'bench', sloth_slo: s.name };
    const ratio = (w) => `slo:sli_error:ratio_rate${w}${sel}`;
    const sli = ALERT_WINDOWS.map((w) => ({
      record: `slo:sli_error:ratio_rate${w}`,
      expr: `(sum(rate(${s.errors}[${w}])))\n/\n(sum(rate(${s.total}[${w}])))`,
      labels: { ...labels, sloth_window: w },
    }));
    sli.push({
      record: 'slo:sli_error:ratio_rate30d',
      expr: `sum_over_time(${ratio('5m')}[30d])\n/ ignoring (sloth_window)\ncount_over_time(${ratio('5m')}[30d])`,
      labels: { ...labels, sloth_window: '30d' },
    });
    const budget = `slo:error_budget:ratio${sel}`;
    const meta = [
      { record: 'slo:objective:ratio', expr: 'vector(0.9990000000000001)' },
      { record: 'slo:error_budget:ratio', expr: 'vector(1-0.999)' },
      { record: 'slo:time_period:days', expr: 'vector(30)' },
      { record: 'slo:current_burn_rate:ratio', expr: `${ratio('5m')}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\n${budget}` },
      { record: 'slo:period_burn_rate:ratio', expr: `${ratio('30d')}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\n${budget}` },
      { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${sel}` },
      { record: 'sloth_slo_info', expr: 'vector(1)' },
    ].map((r) => ({ ...r, labels }));
    const cond = ([burn, long, short]) =>
      `(max(${ratio(short)} > (${burn} * 0.0009999999999999432)) without (sloth_window)\nand\nmax(${ratio(long)} > (${burn} * 0.0009999999999999432)) without (sloth_window))`;
    const alerts = [
      { alert: 'SLOPageBurn', expr: `${cond(TIERS[0])}\nor\n${cond(TIERS[1])}` },
      { alert: 'SLOTicketBurn', expr: `${cond(TIERS[2])}\nor\n${cond(TIERS[3])}` },
    ];
    return [
      { name: `sloth-slo-sli-recordings-bench-${s.name}`, interval: intervalSeconds, rules: sli },
      { name: `sloth-slo-meta-recordings-bench-${s.name}`, interval: intervalSeconds, rules: meta },
      { name: `sloth-slo-alerts-bench-${s.name}`, interval: intervalSeconds, rules: alerts },
    ];
  });
}

function classicLayout(slos, intervalSeconds) {
  return slos.flatMap((s) => {
    const name = (w) => `slo_errors_per_request:ratio_rate${w}`;
    const sel = `{slo="${s.name}"}`;
    const ratios = [...ALERT_WINDOWS, '30d'].map((w) => ({ record: name(w), expr: `sum(rate(${s.errors}[${w}])) by (slo)\n/\nsum(rate(${s.total}[${w}])) by (slo)` }));
    const alerts = TIERS.map(([burn, long, short]) => ({
      alert: 'ErrorBudgetBurn',
      expr: `${name(long)}${sel} > (${burn} * 0.001)\nand\n${name(short)}${sel} > (${burn} * 0.001)`,
    }));
    return [{ name: `slo-${s.name}`, interval: intervalSeconds, rules: [...ratios, ...alerts] }];
  });
}

/** Rule-file YAML of a layout, for promtool. */
export function layoutYaml(groups) {
  const out = ['groups:'];
  for (const g of groups) {
    out.push(`  - name: ${g.name}`, `    interval: ${g.interval}s`, '    rules:');
    for (const r of g.rules) {
      out.push(r.record ? `      - record: ${r.record}` : `      - alert: ${r.alert}`, `        expr: ${JSON.stringify(r.expr)}`);
      if (r.labels) out.push('        labels:', ...Object.entries(r.labels).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`));
    }
  }
  return `${out.join('\n')}\n`;
}

function seconds(duration) {
  const m = /^(\d+)([smhd])$/.exec(duration);
  if (!m) throw new Error(`unexpected interval ${duration}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
}
