import { formatDuration } from '../../duration.js';
import type { Matcher, Receiver, RoutingSpec } from '../../model/routing.js';

/** The subset of Alertmanager 0.25's configuration file Vigil writes, field names as Alertmanager spells them. */
export interface AmConfig {
  route: AmRoute;
  inhibit_rules: AmInhibitRule[];
  receivers: AmReceiver[];
}

export interface AmRoute {
  receiver: string;
  matchers?: string[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: AmRoute[];
}

export interface AmInhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

export interface AmReceiver {
  name: string;
  slack_configs?: { send_resolved: boolean; api_url_file: string; channel: string }[];
  pagerduty_configs?: { send_resolved: boolean; routing_key_file: string }[];
  email_configs?: {
    send_resolved: boolean;
    to: string;
    from: string;
    smarthost: string;
    auth_username?: string;
    auth_password_file?: string;
    require_tls: boolean;
  }[];
  webhook_configs?: AmWebhookConfig[];
}

export interface AmWebhookConfig {
  send_resolved: boolean;
  url: string;
  http_config?: { authorization: { type: 'Bearer'; credentials_file: string } };
  max_alerts?: number;
}

/**
 * The routing spec as an Alertmanager configuration. A route with several receivers becomes one
 * child route per receiver, all but the last with `continue: true`, so the spec's "first matching
 * route wins" still holds and `amtool config routes test` names each receiver.
 */
export function alertmanagerConfig(spec: RoutingSpec): AmConfig {
  const routes: AmRoute[] = spec.routes.flatMap((r) =>
    r.receivers.map((receiver, i) => ({
      receiver,
      ...(r.match.length > 0 ? { matchers: r.match.map(matcherText) } : {}),
      ...(i < r.receivers.length - 1 || r.continue ? { continue: true } : {}),
    })),
  );
  // Alertmanager sends an alert to the parent's receiver only when no child route matched, and a
  // `continue: true` route (the copy to Vigil) matches every alert: without this catch-all, an
  // alert no other route takes would reach nobody but the webhook.
  if (spec.routes.some((r) => r.continue)) routes.push({ receiver: spec.defaultReceiver });
  return {
    route: {
      receiver: spec.defaultReceiver,
      group_by: [...spec.groupBy],
      group_wait: formatDuration(spec.groupWaitSeconds),
      group_interval: formatDuration(spec.groupIntervalSeconds),
      repeat_interval: formatDuration(spec.repeatIntervalSeconds),
      ...(routes.length > 0 ? { routes } : {}),
    },
    inhibit_rules: spec.inhibit.map((r) => ({
      source_matchers: r.source.map(matcherText),
      target_matchers: r.target.map(matcherText),
      equal: [...r.equal],
    })),
    receivers: spec.receivers.map(receiverConfig),
  };
}

function receiverConfig(r: Receiver): AmReceiver {
  return {
    name: r.name,
    ...(r.slack ? { slack_configs: [{ send_resolved: r.slack.sendResolved, api_url_file: r.slack.apiUrlFile, channel: r.slack.channel }] } : {}),
    ...(r.pagerduty ? { pagerduty_configs: [{ send_resolved: r.pagerduty.sendResolved, routing_key_file: r.pagerduty.routingKeyFile }] } : {}),
    ...(r.email
      ? {
          email_configs: [
            {
              send_resolved: r.email.sendResolved,
              to: r.email.to,
              from: r.email.from,
              smarthost: r.email.smarthost,
              ...(r.email.authUsername !== undefined ? { auth_username: r.email.authUsername } : {}),
              ...(r.email.authPasswordFile !== undefined ? { auth_password_file: r.email.authPasswordFile } : {}),
              require_tls: r.email.requireTls,
            },
          ],
        }
      : {}),
    ...(r.webhook
      ? {
          webhook_configs: [
            {
              send_resolved: r.webhook.sendResolved,
              url: r.webhook.url,
              // Alertmanager reads the file on every send, so a rotated token needs no reload.
              ...(r.webhook.credentialsFile !== undefined
                ? { http_config: { authorization: { type: 'Bearer' as const, credentials_file: r.webhook.credentialsFile } } }
                : {}),
              ...(r.webhook.maxAlerts !== undefined ? { max_alerts: r.webhook.maxAlerts } : {}),
            },
          ],
        }
      : {}),
  };
}

/** `label="value"`, or `label=~"a|b"` for several values (Alertmanager anchors the regex). */
export function matcherText(m: Matcher): string {
  if (m.values.length === 1) return `${m.label}=${quote(m.values[0]!)}`;
  return `${m.label}=~${quote(m.values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}`;
}

/** Alertmanager's matcher syntax: double quotes, with \\ \" and \n escaped. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
