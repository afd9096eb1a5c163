import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPrometheus, type TestPrometheus } from './prometheus-server.js';
import { describeRun, runPromtool } from './promtool.js';

export interface BackfillOptions {
  /** Raw history, e.g. from `toOpenMetrics` (synthetic-workload.ts). */
  readonly openMetrics: string;
  /** Rule files the server runs, name (`*.yaml`) → YAML; also the rules backfilled when `recordingsFrom` is set. */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /**
   * Epoch seconds: backfill the recording rules of `ruleFiles` over [recordingsFrom, end), as if
   * they had been installed then. Without it, recordings exist only from the server's start on.
   * Only rules over raw series get values: promtool evaluates every rule against the raw history
   * alone, so a rule reading another recorded series (`sum_over_time(slo:sli_error:rate5m[…])`)
   * backfills nothing. Alerting rules are skipped.
   */
  readonly recordingsFrom?: number;
  /** Epoch seconds, not in the future: the end of the history. Query at `time=end`. */
  readonly end: number;
  /**
   * Load `ruleFiles` into the running server too (default true). False for tests whose clock runs
   * past `end`: live evaluation writes a few recordings after `end` (until the 5m windows run out
   * of history), at real times, so what a cycle at end + 1 h finds in its last hour, and from that
   * how it reads the day (recorded or raw), would depend on the minute the test started: the
   * budget API test's month report was off by an hour's events when run late in an hour.
   */
  readonly serveRules?: boolean;
  /** How often backfilled rules are evaluated (a group's own `interval` wins, as in promtool). Default 60. */
  readonly evalIntervalSeconds?: number;
  /** `--storage.tsdb.retention.time`; default 400d. Prometheus's 15d default would delete older backfilled blocks. */
  readonly retention?: string;
}

export interface BackfilledPrometheus extends TestPrometheus {
  /** Seconds each step took, to keep an eye on the cost (bench/ is the place for figures). */
  readonly timings: { readonly openMetricsSeconds: number; readonly recordingsSeconds: number; readonly totalSeconds: number };
}

/**
 * A real Prometheus started on history written in advance: raw samples through
 * `promtool tsdb create-blocks-from openmetrics`, and optionally recording rules backfilled with
 * `promtool tsdb create-blocks-from rules` from a first server over that history. The blocks are
 * moved in while no server runs, so the final server sees them at once (a running 2.42 would only
 * pick them up at its next compaction cycle, within a minute). Its `stop` removes every folder.
 */
export async function startBackfilledPrometheus(opts: BackfillOptions): Promise<BackfilledPrometheus> {
  const started = performance.now();
  const evalInterval = opts.evalIntervalSeconds ?? 60;
  const retention = `--storage.tsdb.retention.time=${opts.retention ?? '400d'}`;
  const now = Date.now() / 1000;
  if (opts.end > now) throw new Error(`end ${opts.end} is ${Math.ceil(opts.end - now)} s in the future: Prometheus would refuse live samples before it`);
  if (opts.recordingsFrom !== undefined) {
    if (!(opts.recordingsFrom < opts.end)) throw new Error(`recordingsFrom ${opts.recordingsFrom} must be before end ${opts.end}`);
    if (!opts.ruleFiles || Object.keys(opts.ruleFiles).length === 0) throw new Error('recordingsFrom needs ruleFiles to backfill');
  }

  const root = await mkdtemp(join(tmpdir(), 'vigil-backfill-'));
  const dataDir = join(root, 'data');
  let source: TestPrometheus | undefined;
  try {
    let t = performance.now();
    // Each block costs promtool one pass over the whole input: its default 2h blocks take 80 s
    // for 30 days of 8 series, long blocks 1 s. The flag is hidden in `--help` but works (2.42).
    await promtool(['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${LONGEST_BLOCK}`, 'history.om', dataDir], {
      'history.om': opts.openMetrics,
    });
    const openMetricsSeconds = seconds(t);

    t = performance.now();
    if (opts.recordingsFrom !== undefined) {
      const recorded = join(root, 'recorded');
      await mkdir(recorded);
      source = await startTestPrometheus({ dataDir, flags: [retention] });
      await promtool(
        [
          'tsdb',
          'create-blocks-from',
          'rules',
          '--quiet',
          `--url=${source.url}`,
          `--start=${opts.recordingsFrom}`,
          `--end=${opts.end}`,
          `--eval-interval=${evalInterval}s`,
          `--max-block-duration=${ruleBlockDuration(evalInterval)}`,
          `--output-dir=${recorded}`,
          ...Object.keys(opts.ruleFiles!),
        ],
        opts.ruleFiles!,
      );
      await source.stop();
      source = undefined;
      for (const block of await readdir(recorded)) await rename(join(recorded, block), join(dataDir, block));
    }
    const recordingsSeconds = seconds(t);

    const server = await startTestPrometheus({ dataDir, ruleFiles: opts.serveRules === false ? {} : (opts.ruleFiles ?? {}), flags: [retention] });
    const timings = { openMetricsSeconds, recordingsSeconds, totalSeconds: seconds(started) };
    return {
      ...server,
      timings,
      stop: async () => {
        try {
          await server.stop();
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await source?.stop();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

/** TSDB block ranges are 2h × 3^k; promtool cuts at the longest one not above its --max-block-duration. */
const LONGEST_BLOCK = '1458h';

/**
 * promtool backfills a rule with one range query per block, and Prometheus refuses a range query
 * of more than 11,000 steps: the longest block range that stays under it (162h at 1m; 486h would
 * be 29,160 steps and fail).
 */
function ruleBlockDuration(evalIntervalSeconds: number): string {
  let hours = 2;
  while ((hours * 3 * 3600) / evalIntervalSeconds <= 11_000) hours *= 3;
  return `${hours}h`;
}

async function promtool(args: readonly string[], files: Readonly<Record<string, string>>): Promise<void> {
  const r = await runPromtool(args, files);
  if (r.code !== 0) throw new Error(`promtool ${args.join(' ')} failed\n${describeRun(r)}`);
}

function seconds(since: number): number {
  return Math.round(performance.now() - since) / 1000;
}
