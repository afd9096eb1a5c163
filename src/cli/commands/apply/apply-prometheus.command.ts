import { resolve } from 'node:path';
import { parse } from 'yaml';
import { planApply, type ApplyStep } from '../../../core/apply/apply-plan.js';
import { PrometheusClient, PrometheusHttpError, type LoadedRuleGroup } from '../../../adapters/prometheus/prometheus.client.js';
import { changeRuleDir, readCurrent, readGeneratedFiles, readRuleFiles } from '../../../adapters/prometheus/rule-dir.store.js';
import { EXIT, type CliIo } from '../../io.js';
import { printApplyReport } from './apply-report.js';
import { prometheusAuthFromProcess } from '../../prometheus-env.js';

export interface ApplyPrometheusOptions {
  readonly url: string;
  readonly rulesDir: string;
  readonly out?: string;
  readonly dryRun: boolean;
  readonly [option: string]: unknown;
}

const KIND = 'rule-file';
const SUFFIX = '.rules.yaml';

/**
 * `vigil apply prometheus`: copies the generated <out>/rules/*.rules.yaml into the folder
 * Prometheus loads rule files from, removes rule files Vigil generated earlier and no longer
 * does, reloads Prometheus only when something changed, and checks that every generated group is
 * loaded. Prometheus judges the rules: when it rejects them on reload it keeps the previous ones,
 * and so do we (the previous files are put back).
 */
export async function applyPrometheusCommand(opts: ApplyPrometheusOptions, io: CliIo): Promise<number> {
  const generatedDir = resolve(io.cwd, opts.out ?? '.', 'rules');
  const rulesDir = resolve(io.cwd, opts.rulesDir);
  const desired = await readRuleFiles(generatedDir, SUFFIX);
  if (desired.size === 0) {
    io.err(`no generated rule files (*${SUFFIX}) in ${generatedDir}; run vigil generate first\n`);
    return EXIT.problems;
  }
  const current = await readCurrent(rulesDir, desired.keys());
  const steps = planApply(KIND, desired, current, (want, have) => want === have);
  const stale = [...(await readGeneratedFiles(rulesDir)).keys()].filter((n) => !desired.has(n));

  if (opts.dryRun) {
    report(steps, stale, true, io);
    return EXIT.ok;
  }

  let client: PrometheusClient;
  try {
    client = new PrometheusClient(opts.url, { auth: prometheusAuthFromProcess() });
    // Before touching any file: a server we cannot reload must not get rule files it would load later.
    await client.ready();
  } catch (err) {
    io.err(`vigil apply prometheus: ${message(err)}\n`);
    return EXIT.problems;
  }

  const changed = steps.filter((s) => s.action !== 'unchanged');
  if (changed.length > 0 || stale.length > 0) {
    const previous = await readCurrent(rulesDir, stale);
    try {
      await changeRuleDir(rulesDir, { write: new Map(changed.map((s) => [s.name, s.desired])), remove: stale });
    } catch (err) {
      io.err(`vigil apply prometheus: could not write rule files into ${rulesDir}: ${message(err)}\n`);
      return EXIT.problems;
    }
    try {
      await client.reload();
    } catch (err) {
      // Prometheus keeps its previous rules after a rejected reload: make the folder match them
      // again, so a restart does not fail on the files we wrote.
      await changeRuleDir(rulesDir, {
        write: new Map([
          ...changed.filter((s) => s.action === 'update').map((s) => [s.name, current.get(s.name)!] as const),
          ...stale.map((n) => [n, previous.get(n)!] as const),
        ]),
        remove: changed.filter((s) => s.action === 'create').map((s) => s.name),
      });
      io.err(
        err instanceof PrometheusHttpError
          ? `vigil apply prometheus: Prometheus rejected the reload (HTTP ${err.status}): ${err.body.trim()}\n` +
              (err.status === 403
                ? 'start Prometheus with --web.enable-lifecycle to allow POST /-/reload\n'
                : `Prometheus keeps its previous rules and logs the cause; \`promtool check rules ${generatedDir}/*${SUFFIX}\` shows it too\n`)
          : `vigil apply prometheus: ${message(err)}\n`,
      );
      io.err(`restored the previous files in ${rulesDir}\n`);
      return EXIT.problems;
    }
  }
  report(steps, stale, false, io);

  let loaded: LoadedRuleGroup[];
  try {
    loaded = await client.ruleGroups();
  } catch (err) {
    io.err(`vigil apply prometheus: could not verify the loaded rules: ${message(err)}\n`);
    return EXIT.problems;
  }
  const problems = verify(desired, loaded);
  for (const p of problems) io.err(`${p}\n`);
  if (problems.length > 0) {
    io.err(`${problems.length} problem(s): Prometheus does not run the generated rules; is --rules-dir ${rulesDir} in its rule_files?\n`);
    return EXIT.problems;
  }
  return EXIT.ok;
}

function report(steps: readonly ApplyStep<string>[], stale: readonly string[], dryRun: boolean, io: CliIo): void {
  printApplyReport('prometheus', steps, dryRun, io);
  for (const n of stale) io.out(`${dryRun ? 'would remove' : 'removed'} ${KIND} ${n}\n`);
}

/** Every generated group is loaded with as many rules as the file has. */
function verify(desired: ReadonlyMap<string, string>, loaded: readonly LoadedRuleGroup[]): string[] {
  const byName = new Map(loaded.map((g) => [g.name, g]));
  const problems: string[] = [];
  for (const [file, text] of desired) {
    for (const group of groupsOf(text)) {
      const got = byName.get(group.name);
      if (!got) problems.push(`group ${group.name} from ${file} is not loaded`);
      else if (got.rules.length !== group.rules) problems.push(`group ${group.name} from ${file} has ${got.rules.length} rule(s) loaded, ${group.rules} generated`);
    }
  }
  return problems;
}

/** Group names and rule counts; a file YAML cannot parse has none here (Prometheus rejects it on reload). */
function groupsOf(text: string): { name: string; rules: number }[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return [];
  return groups
    .filter((g): g is { name: string; rules?: unknown } => typeof (g as { name?: unknown })?.name === 'string')
    .map((g) => ({ name: g.name, rules: Array.isArray(g.rules) ? g.rules.length : 0 }));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
