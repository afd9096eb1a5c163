// Synthetic history for the budget benchmark, as the OpenMetrics text
// `promtool tsdb create-blocks-from openmetrics` reads (one # TYPE per family, each family's lines
// contiguous, timestamps in seconds, samples ascending per series, # EOF).
//
// Two kinds of series:
//   raw        every service's counters and latency histogram (budget-fleet.js), constant rates;
//   recorded   Vigil's recordings for every SLO, written directly: slo:sli_error:rate5m and
//              slo:sli_total:rate5m every `step` over the recorded span, and each
//              slo:sli_error:ratio_rate<window> over the last minutes only (a budget cycle reads
//              ratios at one instant). With constant traffic these are exactly what Prometheus
//              would record from the generated rules (the rate of a linear counter is its slope).
//
// Why not `promtool tsdb create-blocks-from rules`: it runs one range query per rule per block and
// writes one TSDB block for each; for 1,000 SLOs (2,000 rules over raw series) that is 4,000
// blocks and, measured here, about 40 ms per rule per block (~2¾ minutes) before the server starts.

import { closeSync, openSync, writeSync } from 'node:fs';
import { BUCKETS, serviceName, serviceTraffic } from './budget-fleet.js';

/** Seconds of ratio samples before `end`: more than the 5-minute lookback of an instant query. */
const RATIO_SPAN = 600;

/**
 * Writes the samples with timestamps in [slice.from, slice.to) (all of them without a slice): the
 * history in time slices, so several promtool processes can import it side by side into blocks
 * that do not overlap.
 *
 * @param {string} file
 * @param {{ services: number, rawFrom: number, recordedFrom: number, end: number, step: number,
 *           recorded: { service: string, slo: string, error: number, total: number, ratioNames: string[] }[] }} h
 * @param {{ from: number, to: number }} [slice]
 * @returns {{ series: number, samples: number, bytes: number }}
 */
export function writeHistory(file, h, slice = { from: -Infinity, to: Infinity }) {
  const fd = openSync(file, 'w');
  const out = { series: 0, samples: 0, bytes: 0 };
  let chunk = [];
  let chunkLength = 0;
  const push = (line) => {
    chunk.push(line);
    chunkLength += line.length;
    if (chunkLength > 4_000_000) flush();
  };
  const flush = () => {
    const text = chunk.join('');
    out.bytes += Buffer.byteLength(text);
    writeSync(fd, text);
    chunk = [];
    chunkLength = 0;
  };
  const times = (from) => {
    const ts = [];
    for (let t = from; t <= h.end; t += h.step) if (t >= slice.from && t < slice.to) ts.push(t);
    return ts;
  };
  const rawTimes = times(h.rawFrom);
  const width = Math.max(3, String(h.services - 1).length);
  const counter = (name, perSecond, ts) => {
    out.series++;
    out.samples += ts.length;
    for (const t of ts) push(`${name} ${fmt(perSecond * (t - h.rawFrom))} ${t}\n`);
  };
  const gauge = (name, value, ts) => {
    out.series++;
    out.samples += ts.length;
    const v = ` ${fmt(value)} `;
    for (const t of ts) push(`${name}${v}${t}\n`);
  };

  try {
    push('# TYPE http_requests counter\n');
    for (let i = 0; i < h.services; i++) {
      const traffic = serviceTraffic(i);
      for (const [code, perSecond] of Object.entries(traffic.codes)) counter(`http_requests_total{job="${serviceName(i, width)}",code="${code}"}`, perSecond, rawTimes);
    }
    push('# TYPE http_request_duration_seconds histogram\n');
    for (let i = 0; i < h.services; i++) {
      const job = serviceName(i, width);
      const t = serviceTraffic(i);
      // Fast requests take 0.1 s, slow ones 0.5 s (over 0.25), the slowest 2 s (over 1).
      const buckets = [t.total - t.over025, t.total - t.over1, t.total];
      const sum = (t.total - t.over025) * 0.1 + (t.over025 - t.over1) * 0.5 + t.over1 * 2;
      const les = [...BUCKETS.map(String), '+Inf'];
      // A histogram's points stay together per timestamp: every bucket, _count and _sum at t, then t + step.
      const names = [...les.map((le) => `http_request_duration_seconds_bucket{job="${job}",le="${le}"}`), `http_request_duration_seconds_count{job="${job}"}`, `http_request_duration_seconds_sum{job="${job}"}`];
      const rates = [...buckets, t.total, sum];
      out.series += names.length;
      out.samples += names.length * rawTimes.length;
      for (const ts of rawTimes) names.forEach((n, k) => push(`${n} ${fmt(rates[k] * (ts - h.rawFrom))} ${ts}\n`));
    }

    const recTimes = times(h.recordedFrom);
    const ratioTimes = times(h.end - RATIO_SPAN);
    const labels = (r) => `{service="${r.service}",slo="${r.slo}"}`;
    push('# TYPE slo:sli_error:rate5m gauge\n');
    for (const r of h.recorded) gauge(`slo:sli_error:rate5m${labels(r)}`, r.error, recTimes);
    push('# TYPE slo:sli_total:rate5m gauge\n');
    for (const r of h.recorded) gauge(`slo:sli_total:rate5m${labels(r)}`, r.total, recTimes);
    const byRatio = new Map();
    for (const r of h.recorded) for (const n of r.ratioNames) byRatio.set(n, [...(byRatio.get(n) ?? []), r]);
    for (const [name, list] of ratioTimes.length > 0 ? byRatio : []) {
      push(`# TYPE ${name} gauge\n`);
      for (const r of list) gauge(`${name}${labels(r)}`, r.total > 0 ? r.error / r.total : 0, ratioTimes);
    }
    push('# EOF\n');
    flush();
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Plain decimal, never an exponent (String(1e-7) is "1e-7"). */
function fmt(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
}
