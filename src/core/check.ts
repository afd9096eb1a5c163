import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { checkDrillsAgainstOnCall } from './definitions/drill.parser.js';
import { checkOnCall, checkOnCallAgainstRouting } from './definitions/oncall.parser.js';
import { checkRetention } from './definitions/retention.parser.js';
import { checkRouting } from './definitions/routing.parser.js';
import { loadSpecs, type SpecInput } from './definitions/load-specs.js';
import type { DrillSpec } from './model/drill.js';
import type { OnCallSpec } from './model/oncall.js';
import { DEFAULT_OUTPUTS, type OutputsSpec } from './model/outputs.js';
import type { RetentionSpec } from './model/retention.js';
import type { RoutingSpec } from './model/routing.js';
import type { Fleet, SpecDocument } from './model/slo.js';
import { validateFleet } from './validate/validate-fleet.js';

/**
 * Load and validate every spec, generating nothing. Kept apart from compile.ts so `vigil
 * validate` does not load the generators (the Grafana SDK alone is most of its start-up).
 */
export interface CheckedSpecs {
  /** What did load, for display even when some specs have problems. */
  readonly fleet: Fleet;
  /** The service documents as each file gave them, before they are merged into the fleet. */
  readonly documents: readonly SpecDocument[];
  readonly routing?: RoutingSpec;
  readonly retention: readonly RetentionSpec[];
  /** Who is paged (kind: OnCall); nothing is generated from it. */
  readonly oncall?: OnCallSpec;
  /** How generated files are placed and labelled (kind: Outputs), defaults when there is none. */
  readonly outputs: Omit<OutputsSpec, 'file'>;
  /** DR drills (kind: Drill), from the drills folder. */
  readonly drills: readonly DrillSpec[];
  readonly diagnostics: readonly Diagnostic[];
}

/** `inputs` are the specs folder's files, `drillInputs` the drills folder's. */
export function check(inputs: readonly SpecInput[], drillInputs: readonly SpecInput[] = []): CheckedSpecs {
  const loaded = loadSpecs(inputs);
  const drills = loadSpecs(drillInputs, 'drills');
  const validated = validateFleet(loaded.documents);
  const fleet = validated.fleet;
  const [routing, ...extraRouting] = loaded.routing;
  const oncall = loaded.oncall[0];
  const diagnostics = sortDiagnostics([
    ...loaded.diagnostics,
    ...validated.diagnostics,
    ...extraRouting.map((r) => diagnostic({ file: r.file, line: 1, col: 1 }, `a fleet has one routing spec; ${routing!.file} already defines it`)),
    ...(routing ? checkRouting(routing, fleet) : []),
    ...checkRetention(loaded.retention),
    ...(oncall ? checkOnCall(oncall, fleet) : []),
    ...(oncall && routing ? checkOnCallAgainstRouting(oncall, routing) : []),
    ...drills.diagnostics,
    ...checkDrillsAgainstOnCall(drills.drills, oncall),
  ]);
  return { fleet, documents: loaded.documents, routing, retention: loaded.retention, oncall, outputs: loaded.outputs[0] ?? DEFAULT_OUTPUTS, drills: drills.drills, diagnostics };
}

