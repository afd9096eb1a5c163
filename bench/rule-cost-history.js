// History for the steady-state rule-cost benchmark, as OpenMetrics for
// `promtool tsdb create-blocks-from openmetrics`: the raw request counters of every SLO, and the
// recorded series the layouts' long windows read, as if their rules had run for the whole history.
// Noisy values (a seeded generator), so chunks compress as real ones do, not as constants would.

import { createWriteStream } from 'node:fs';
import { prng } from './fleet.js';

/**
 * Writes `file`. `h`: { start, end (epoch seconds), scrapeSeconds, intervalSeconds, tileSeconds,
 * slos: [{ name, raw: [{ labels }] × instances × codes, vigil: { error, total, errorTile, totalTile } (label sets),
 * sloth: label set }] }. Resolves to the number of samples written.
 */
export async function writeRuleCostHistory(file, h) {
  const out = createWriteStream(file);
  let buffered = [];
  let size = 0;
  let samples = 0;
  // A promise only when a megabyte is buffered, so most samples cost no write call.
  const line = (text) => {
    buffered.push(text);
    size += text.length;
    return size > 1 << 20 ? flush() : undefined;
  };
  const flush = async () => {
    if (!out.write(buffered.join(''))) await new Promise((ok) => out.once('drain', ok));
    buffered = [];
    size = 0;
  };

  const steps = Math.floor((h.end - h.start) / h.scrapeSeconds) + 1;
  // Per SLO and scrape step: requests and errors summed over its raw series, for the recordings.
  const sums = h.slos.map(() => ({ total: new Float64Array(steps), errors: new Float64Array(steps) }));
  await line('# TYPE requests counter\n');
  for (const [i, slo] of h.slos.entries()) {
    for (const [j, series] of slo.raw.entries()) {
      const random = prng(1000 * i + j + 1);
      const error = series.labels.code === '500';
      let value = Math.floor(random() * 1e6);
      const labels = labelText(series.labels);
      for (let k = 0; k < steps; k++) {
        // About 10 requests/s per series, 0.1 % errors with hourly swings.
        const inc = error ? Math.floor(random() * 1.2 * ((k / 60) % 7 === 0 ? 20 : 1)) : Math.floor(540 + random() * 120);
        if (k > 0) value += inc;
        sums[i].total[k] += k > 0 ? inc : 0;
        if (error) sums[i].errors[k] += k > 0 ? inc : 0;
        await line(`requests_total${labels} ${value} ${h.start + k * h.scrapeSeconds}\n`);
        samples++;
      }
    }
  }

  // A 5m rate at t: the events of the scrape steps in (t − 5m, t], per second.
  const rateAt = (arr, t) => {
    const last = Math.floor((t - h.start) / h.scrapeSeconds);
    const n = Math.round(300 / h.scrapeSeconds);
    let sum = 0;
    for (let k = Math.max(1, last - n + 1); k <= last; k++) sum += arr[k];
    return sum / 300;
  };
  const family = async (name, every, labelsOf, valueAt) => {
    await line(`# TYPE ${name} gauge\n`);
    for (const [i, slo] of h.slos.entries()) {
      const labels = labelText(labelsOf(slo));
      for (let t = h.start + 300; t <= h.end; t += every) {
        await line(`${name}${labels} ${round(valueAt(i, t))} ${t}\n`);
        samples++;
      }
    }
  };
  await family('slo:sli_error:rate5m', h.intervalSeconds, (s) => s.vigil.error, (i, t) => rateAt(sums[i].errors, t));
  await family('slo:sli_total:rate5m', h.intervalSeconds, (s) => s.vigil.total, (i, t) => rateAt(sums[i].total, t));
  await family('slo:sli_error:rate5m_every5m', h.tileSeconds, (s) => s.vigil.errorTile, (i, t) => rateAt(sums[i].errors, t));
  await family('slo:sli_total:rate5m_every5m', h.tileSeconds, (s) => s.vigil.totalTile, (i, t) => rateAt(sums[i].total, t));
  await family('slo:sli_error:ratio_rate5m', h.intervalSeconds, (s) => s.sloth, (i, t) => rateAt(sums[i].errors, t) / Math.max(rateAt(sums[i].total, t), 1e-300));
  await line('# EOF\n');
  await flush();
  await new Promise((ok, fail) => out.end((err) => (err ? fail(err) : ok())));
  return samples;
}

function labelText(labels) {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

function round(v) {
  return Number(v.toPrecision(10));
}
