import type { SourcePos } from '../diagnostics.js';

/**
 * Alertmanager routing for the fleet as the generators read it: receivers, routes and inhibit
 * rules with defaults applied and durations in seconds. Filled by definitions/routing.parser.ts
 * from a `kind: Routing` document (docs/routing-spec.md).
 */

/** One label condition; several values mean "any of them". */
export interface Matcher {
  readonly label: string;
  readonly values: readonly string[];
  /** Of each value. */
  readonly at: readonly SourcePos[];
}

export interface SlackTarget {
  readonly channel: string;
  readonly apiUrlFile: string;
  readonly sendResolved: boolean;
}
export interface PagerDutyTarget {
  readonly routingKeyFile: string;
  readonly sendResolved: boolean;
}
export interface EmailTarget {
  readonly to: string;
  readonly from: string;
  readonly smarthost: string;
  readonly authUsername?: string;
  readonly authPasswordFile?: string;
  readonly requireTls: boolean;
  readonly sendResolved: boolean;
}
export interface WebhookTarget {
  readonly url: string;
  /** File holding the bearer token Alertmanager sends (`Authorization: Bearer …`), e.g. Vigil's `ingest` token. */
  readonly credentialsFile?: string;
  /** Most alerts in one notification; 0 (Alertmanager's default) sends them all. */
  readonly maxAlerts?: number;
  readonly sendResolved: boolean;
}

export interface Receiver {
  readonly name: string;
  readonly slack?: SlackTarget;
  readonly pagerduty?: PagerDutyTarget;
  readonly email?: EmailTarget;
  readonly webhook?: WebhookTarget;
  readonly at: SourcePos;
}

export interface Route {
  /** Empty: every alert. */
  readonly match: readonly Matcher[];
  readonly receivers: readonly string[];
  /** Keep looking at later routes after this one matched. */
  readonly continue: boolean;
  readonly at: SourcePos;
}

export interface InhibitRule {
  readonly source: readonly Matcher[];
  readonly target: readonly Matcher[];
  readonly equal: readonly string[];
}

export interface RoutingSpec {
  readonly file: string;
  /** Gets every alert no route takes. */
  readonly defaultReceiver: string;
  readonly groupBy: readonly string[];
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly repeatIntervalSeconds: number;
  readonly receivers: readonly Receiver[];
  readonly routes: readonly Route[];
  readonly inhibit: readonly InhibitRule[];
}
