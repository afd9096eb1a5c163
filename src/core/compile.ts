import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { alertmanagerFiles } from './generate/alertmanager/alertmanager-files.js';
import { dashboardFiles } from './generate/dashboards/dashboard-files.js';
import { elasticsearchFiles } from './generate/elasticsearch/elasticsearch-files.js';
import { checkRetention } from './spec/retention.parser.js';
import { checkRouting } from './spec/routing.parser.js';
import { ruleFiles, type GeneratedFile } from './generate/rule-files.js';
import { loadSpecs, type SpecInput } from './spec/load-specs.js';
import { validateFleet, type Fleet } from './validate/validate-fleet.js';

export interface Compilation {
  /** What did load, for display even when some specs have problems. */
  readonly fleet: Fleet;
  /** Empty whenever there is a diagnostic: nothing is generated from a fleet with problems. */
  readonly files: readonly GeneratedFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Specs in, every problem or every generated file out. The one entry point for CLI and service. */
export function compile(inputs: readonly SpecInput[], opts: { generate?: boolean } = {}): Compilation {
  const loaded = loadSpecs(inputs);
  const validated = validateFleet(loaded.documents);
  const fleet = validated.fleet;
  const [routing, ...extraRouting] = loaded.routing;
  const diagnostics = sortDiagnostics([
    ...loaded.diagnostics,
    ...validated.diagnostics,
    ...extraRouting.map((r) => diagnostic({ file: r.file, line: 1, col: 1 }, `a fleet has one routing spec; ${routing!.file} already defines it`)),
    ...(routing ? checkRouting(routing, fleet) : []),
    ...checkRetention(loaded.retention),
  ]);
  if (diagnostics.length > 0) return { fleet, files: [], diagnostics };
  // `vigil validate` needs no output: generating it would cost more than validating.
  if (opts.generate === false) return { fleet, files: [], diagnostics };
  const files = [
    ...ruleFiles(fleet),
    ...dashboardFiles(fleet),
    ...alertmanagerFiles(routing, fleet),
    ...elasticsearchFiles(loaded.retention),
  ];
  return { fleet, files, diagnostics };
}
