import type { Diagnostic } from '../../core/diagnostics.js';
import { formatDuration } from '../../core/duration.js';
import { isAlertingRule } from '../../core/generate/rule-model.js';
import { sloRuleGroups } from '../../core/generate/slo-rules.js';
import type { Fleet, Service, Slo, SpecFormat } from '../../core/model/slo.js';

export interface ProblemDto {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface SloDto {
  readonly service: string;
  readonly name: string;
  /** Percent, exact decimal text as written, e.g. "99.9". */
  readonly objective: string;
  readonly window: string;
  readonly sliKind: Slo['sli']['kind'];
  readonly file: string;
  readonly format: SpecFormat;
  /** Names of the rules generated for this SLO; empty when nothing was generated (problems). */
  readonly rules: { readonly recording: string[]; readonly alerts: string[] };
}

export interface SloListDto {
  readonly loadedAt: string;
  /** True when the specs had no problem and the rule files were written. */
  readonly generated: boolean;
  readonly specFiles: number;
  readonly slos: SloDto[];
  readonly problems: ProblemDto[];
  readonly changedFiles: readonly string[];
}

export interface SpecLoad {
  readonly at: Date;
  readonly fleet: Fleet;
  readonly specFiles: number;
  readonly problems: readonly Diagnostic[];
  readonly changed: readonly string[];
}

export function toSloListDto(load: SpecLoad): SloListDto {
  const generated = load.problems.length === 0;
  return {
    loadedAt: load.at.toISOString(),
    generated,
    specFiles: load.specFiles,
    slos: load.fleet.services.flatMap((service) => service.slos.map((slo) => toSloDto(service, slo, generated))),
    problems: load.problems.map((d) => ({ file: d.file, line: d.line, col: d.col, message: d.message })),
    changedFiles: load.changed,
  };
}

function toSloDto(service: Service, slo: Slo, generated: boolean): SloDto {
  return {
    service: service.name,
    name: slo.name,
    objective: slo.objective,
    window: formatDuration(slo.windowSeconds),
    sliKind: slo.sli.kind,
    file: slo.at.slo.file,
    format: slo.format,
    rules: generated ? ruleNames(service, slo) : { recording: [], alerts: [] },
  };
}

/** Rule names repeat across windows and tiers; listed once each, in generation order. */
function ruleNames(service: Service, slo: Slo): SloDto['rules'] {
  const rules = sloRuleGroups(service, slo).flatMap((g) => g.rules);
  return {
    recording: [...new Set(rules.flatMap((r) => (isAlertingRule(r) ? [] : [r.record])))],
    alerts: [...new Set(rules.flatMap((r) => (isAlertingRule(r) ? [r.alert] : [])))],
  };
}
