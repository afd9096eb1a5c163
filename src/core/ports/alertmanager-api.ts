/**
 * What Alertmanager knows about an alert it no longer sends: its API v2
 * (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml, GET /api/v2/alerts
 * and GET /api/v2/silence/{id}). Silenced and inhibited alerts are dropped from webhook
 * notifications, so this is the only way to learn why one went quiet.
 */
export interface AlertmanagerAlertStatus {
  readonly fingerprint: string;
  readonly state: 'active' | 'suppressed' | 'unprocessed';
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
}

export interface AlertmanagerSilence {
  readonly id: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly endsAt: Date;
}

export abstract class AlertmanagerApi {
  /** Every alert the Alertmanager at `baseUrl` holds, with its state; rejects when it cannot be asked. */
  abstract alerts(baseUrl: string, timeoutMs: number): Promise<readonly AlertmanagerAlertStatus[]>;
  /** One silence, or undefined when Alertmanager does not know it (expired and garbage-collected). */
  abstract silence(baseUrl: string, id: string, timeoutMs: number): Promise<AlertmanagerSilence | undefined>;
}
