import type { Diagnostic } from '../../core/diagnostics.js';
import { formatDuration } from '../../core/duration.js';
import { dashboardUid } from '../../core/generate/dashboards/dashboard-uid.js';
import { isAlertingRule } from '../../core/generate/rule-model.js';
import { sloLabels, sloRuleGroups } from '../../core/generate/slo-rules.js';
import { tiersOf } from '../../core/model/objective.js';
import { DEFAULT_SLO_RUNBOOK } from '../../core/model/slo-defaults.js';
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
  /** The `team` label (the SLO's, else its service's); null when neither sets one. */
  readonly team: string | null;
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

export function teamOf(service: Service, slo: Slo): string | null {
  return sloLabels(service, slo).team ?? null;
}

function toSloDto(service: Service, slo: Slo, generated: boolean): SloDto {
  return {
    service: service.name,
    name: slo.name,
    objective: slo.objective,
    window: formatDuration(slo.windowSeconds),
    sliKind: slo.sli.kind,
    team: teamOf(service, slo),
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

/** One row of the SLO's burn-rate alert table: it fires when both windows burn faster than `burnRate`. */
export interface AlertWindowDto {
  readonly severity: 'page' | 'ticket';
  readonly longWindow: string;
  readonly shortWindow: string;
  /** Exact decimal text, e.g. "14.4": the burn rate both windows must exceed. */
  readonly burnRate: string;
  /** False when the spec turned this severity off: the row is shown, nothing fires. */
  readonly enabled: boolean;
}

export interface SloDetailDto extends SloDto {
  readonly description: string;
  readonly alertWindows: AlertWindowDto[];
  readonly links: {
    /** The generated service dashboard's uid, and its URL when VIGIL_GRAFANA_URL is set. */
    readonly dashboardUid: string;
    readonly dashboardUrl: string | null;
    /** The runbook as the spec names it (or the default one), and a URL when it is one or VIGIL_RUNBOOK_BASE_URL makes it one. */
    readonly runbook: string;
    readonly runbookUrl: string | null;
  };
}

export interface LinkBases {
  readonly grafanaUrl?: string;
  readonly runbookBaseUrl?: string;
}

export function toSloDetailDto(service: Service, slo: Slo, generated: boolean, bases: LinkBases): SloDetailDto {
  const uid = dashboardUid(service.name);
  const runbook = slo.runbook ?? DEFAULT_SLO_RUNBOOK;
  return {
    ...toSloDto(service, slo, generated),
    description: slo.description,
    alertWindows: tiersOf(slo).map((t) => ({
      severity: t.severity,
      longWindow: formatDuration(t.longWindowSeconds),
      shortWindow: formatDuration(t.shortWindowSeconds),
      burnRate: t.burnRate,
      enabled: !slo.alerting[t.severity].disabled,
    })),
    links: {
      dashboardUid: uid,
      dashboardUrl: bases.grafanaUrl ? new URL(`d/${encodeURIComponent(uid)}`, withSlash(bases.grafanaUrl)).toString() : null,
      runbook,
      runbookUrl: /^https?:\/\//.test(runbook) ? runbook : bases.runbookBaseUrl ? new URL(runbook, withSlash(bases.runbookBaseUrl)).toString() : null,
    },
  };
}

/** A base URL's path is a folder: https://host/grafana + d/x is https://host/grafana/d/x. */
function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
