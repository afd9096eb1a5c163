import type { SourcePos } from '../diagnostics.js';

/** Where a spec came from; kept so generated files can say so and errors can point back. */
export type SpecFormat = 'vigil/v1' | 'sloth/prometheus/v1' | 'sloth.slok.dev/v1' | 'openslo/v1' | 'pyrra.dev/v1alpha1';

/** A PromQL text from a spec, with a way to point at any character of it in the source file. */
export interface Query {
  readonly text: string;
  /** The spec field it came from, as a path: `slos[0].sli.events.errorQuery`. */
  readonly field: string;
  readonly at: SourcePos;
  readonly locate: (offset: number) => SourcePos;
}

/** Bad events over total events, from two counter queries (either side may be "good" instead of "error"). */
export interface EventsSli {
  readonly kind: 'events';
  readonly errorQuery?: Query;
  readonly goodQuery?: Query;
  readonly totalQuery: Query;
}

/** Requests slower than a bucket bound of a Prometheus histogram are bad events. */
export interface LatencySli {
  readonly kind: 'latency';
  readonly metric: string;
  /** Label matchers without braces, e.g. `agent="fuel-analyzer"`; may be empty. */
  readonly selector: string;
  readonly thresholdSeconds: number;
  /** Bucket bounds declared for the histogram, or undefined when the spec does not say. */
  readonly buckets?: readonly number[];
  readonly at: { readonly metric: SourcePos; readonly selector: SourcePos; readonly threshold: SourcePos };
  readonly selectorQuery: Query;
}

/** A query that already returns the error ratio; it cannot be event-weighted across windows. */
export interface RawSli {
  readonly kind: 'raw';
  readonly errorRatioQuery: Query;
}

export type Sli = EventsSli | LatencySli | RawSli;

export type AlertSeverity = 'page' | 'ticket';

/** One row of a multi-window multi-burn-rate table. */
export interface BurnTier {
  readonly severity: AlertSeverity;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** Exact decimal text, e.g. "14.4". */
  readonly burnRate: string;
  /** Where a spec wrote this row; derived tiers have none. */
  readonly at?: SourcePos;
}

export interface AlertTierSettings {
  /**
   * The tier's `severity` label value when the spec chose one (Sloth's `page_alert.labels.severity`,
   * which Sloth writes as the alert's `severity`); unset: Vigil's level, critical or warning.
   */
  readonly severity?: string;
  readonly disabled: boolean;
  readonly forSeconds: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * The SLO's absent-data alert (docs/slo-spec.md, "Missing data"): fires when the series the SLI
 * reads have been missing for `forSeconds`, because missing series read as no traffic and no errors.
 */
export interface AbsentAlertSettings {
  readonly disabled: boolean;
  readonly forSeconds: number;
  /** Which tier's severity it carries: `page` is critical, `ticket` warning. */
  readonly severity: AlertSeverity;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface SloAlerting {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly page: AlertTierSettings;
  readonly ticket: AlertTierSettings;
  /** Replaces the table derived from the SLO window when set. */
  readonly windows?: readonly BurnTier[];
  /** The fleet's default (kind: Outputs, `absentAlerts`) with the SLO's own `alerting.absent` over it. */
  readonly absent: AbsentAlertSettings;
  readonly at: SourcePos;
}

export interface Slo {
  readonly service: string;
  readonly name: string;
  readonly description: string;
  /** Percent as exact decimal text, e.g. "99.9". */
  readonly objective: string;
  /**
   * Seconds of the rolling window; for a calendar window, its nominal length (30d for a month),
   * which sizes the burn-rate alerts and rolling recording rules.
   */
  readonly windowSeconds: number;
  /** Set when the budget resets at the start of each calendar month (UTC) instead of rolling. */
  readonly calendar?: 'month';
  readonly sli: Sli;
  readonly alerting: SloAlerting;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly runbook?: string;
  readonly format: SpecFormat;
  readonly at: {
    readonly slo: SourcePos;
    readonly name: SourcePos;
    readonly objective: SourcePos;
    readonly window: SourcePos;
  };
}

/** A plain threshold alert (error rate, pod down, certificate expiry …) that is not an SLO. */
export interface ThresholdAlert {
  readonly service: string;
  readonly name: string;
  readonly expr: Query;
  readonly forSeconds: number;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly summary: string;
  readonly description: string;
  readonly runbook?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly at: SourcePos;
}

/** Everything one spec document contributes; several documents may add to one service. */
export interface SpecDocument {
  readonly file: string;
  readonly format: SpecFormat;
  readonly service: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly slos: readonly Slo[];
  readonly alerts: readonly ThresholdAlert[];
  /**
   * SLOs with problems of their own that could still be read (a bad window, an unknown field):
   * never part of the fleet, but their objective and queries are checked too, so one problem
   * does not hide the next.
   */
  readonly rejectedSlos?: readonly Slo[];
}

/** Every service of the specs, merged across files and checked (validate/validate-fleet.ts). */
export interface Fleet {
  readonly services: readonly Service[];
}

export interface Service {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly files: readonly string[];
  readonly slos: readonly Slo[];
  readonly alerts: readonly ThresholdAlert[];
}
