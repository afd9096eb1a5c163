import { check } from './check.js';
import type { Diagnostic } from './diagnostics.js';
import { alertmanagerFiles } from './generate/alertmanager/alertmanager-files.js';
import { dashboardFiles } from './generate/dashboards/dashboard-files.js';
import { kustomizationFiles } from './generate/kustomization-files.js';
import { drillRuleFiles } from './generate/drill-rules.js';
import { elasticsearchFiles } from './generate/elasticsearch/elasticsearch-files.js';
import { ruleFiles, type GeneratedFile } from './generate/rule-files.js';
import { vigilSelfRuleFiles } from './generate/vigil-self-rules.js';
import type { SpecInput } from './definitions/load-specs.js';
import type { Fleet } from './model/slo.js';

export interface Compilation {
  /** What did load, for display even when some specs have problems. */
  readonly fleet: Fleet;
  /** Empty whenever there is a diagnostic: nothing is generated from a fleet with problems. */
  readonly files: readonly GeneratedFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Specs in, every problem or every generated file out. The one entry point for generation.
 * `drillInputs` are the drills folder's files: their alert rules are generated with the rest.
 */
export function compile(inputs: readonly SpecInput[], drillInputs: readonly SpecInput[] = []): Compilation {
  const { fleet, routing, retention, outputs, drills, diagnostics } = check(inputs, drillInputs);
  if (diagnostics.length > 0) return { fleet, files: [], diagnostics };
  const files = [
    ...ruleFiles(fleet, outputs),
    ...vigilSelfRuleFiles(routing, outputs),
    ...drillRuleFiles(drills, outputs),
    ...dashboardFiles(fleet, { vigilSelf: routing !== undefined }),
    ...alertmanagerFiles(routing),
    ...elasticsearchFiles(retention),
  ];
  return { fleet, files: [...files, ...kustomizationFiles(files)], diagnostics };
}
