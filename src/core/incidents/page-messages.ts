import type { Mail, PagerDutyEvent, SlackMessage } from '../ports/notification-sinks.js';

/**
 * What each sink is sent about an incident, from one plain description of it. Pure: the same
 * context gives the same bytes, so a retried page is the page that was meant, and goldens hold.
 */

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface AlertCounts {
  readonly firing: number;
  readonly resolved: number;
  readonly total: number;
}

/** One SLO's error budget as the page shows it; an overspent budget has a negative remainder. */
export interface BudgetState {
  readonly slo: string;
  readonly remainingPercent: number;
  readonly status: string;
}

export interface PageContext {
  readonly incidentId: string;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly urgency: 'high' | 'low';
  /** The alerts' `severity` label as written (critical, warning, page …). */
  readonly severity: string;
  readonly service?: string;
  readonly team?: string;
  readonly alerts: AlertCounts;
  readonly triggeredAt: Date;
  readonly acknowledgedBy?: string;
  readonly resolvedBy?: string;
  /** The escalation level this page is for (1-based). */
  readonly level: number;
  readonly summary?: string;
  readonly runbookUrl?: string;
  readonly dashboardUrl?: string;
  readonly incidentUrl?: string;
  readonly budget?: readonly BudgetState[];
}

/** What a page says happened: a (re-)page, or the incident moving on. */
export type PageAction = 'trigger' | 'acknowledge' | 'resolve';

/** Events v2 caps the summary at 1024 characters and the dedup_key at 255 (trigger-events docs). */
const PD_SUMMARY_MAX = 1024;
/** Slack's header block takes at most 150 characters of plain text (Block Kit reference, header). */
const SLACK_HEADER_MAX = 150;

/**
 * One dedup_key per incident for its whole life: PagerDuty applies acknowledge and resolve to the
 * open alert with that key, and a re-page (level 2, a repeat) lands on the same alert instead of
 * opening a second one. Incident ids are short, so the 255 limit is never near.
 */
export function dedupKeyFor(incidentId: string): string {
  return `vigil-${incidentId}`;
}

/** The incident a dedup_key names, when it is one of ours (acks coming back from PagerDuty). */
export function incidentIdFromDedupKey(dedupKey: string): string | undefined {
  return dedupKey.startsWith('vigil-') && dedupKey.length > 'vigil-'.length ? dedupKey.slice('vigil-'.length) : undefined;
}

/**
 * Alert `severity` labels as teams write them, onto PagerDuty's four. A label we do not know
 * falls back on urgency, so an unusual name still pages loudly when it is meant to.
 */
const PD_SEVERITY: Readonly<Record<string, PagerDutySeverity>> = {
  critical: 'critical',
  page: 'critical',
  emergency: 'critical',
  p1: 'critical',
  sev1: 'critical',
  error: 'error',
  high: 'error',
  major: 'error',
  p2: 'error',
  sev2: 'error',
  warning: 'warning',
  warn: 'warning',
  ticket: 'warning',
  minor: 'warning',
  low: 'warning',
  p3: 'warning',
  sev3: 'warning',
  info: 'info',
  informational: 'info',
  none: 'info',
};

type PagerDutySeverity = NonNullable<PagerDutyEvent['payload']>['severity'];

export function pagerDutySeverity(severity: string, urgency: 'high' | 'low'): PagerDutySeverity {
  return PD_SEVERITY[severity.trim().toLowerCase()] ?? (urgency === 'high' ? 'error' : 'warning');
}

/**
 * Events v2 event for `action`. Acknowledge and resolve carry only what PagerDuty reads from them
 * (routing_key, event_action, dedup_key); the routing key must be the one the trigger used, or
 * PagerDuty drops them, so callers pass the key stored at trigger.
 */
export function pagerDutyEvent(ctx: PageContext, action: PageAction, routingKey: string): PagerDutyEvent {
  const dedup_key = dedupKeyFor(ctx.incidentId);
  if (action !== 'trigger') return { routing_key: routingKey, event_action: action, dedup_key };
  const links = [
    ...(ctx.incidentUrl ? [{ href: ctx.incidentUrl, text: 'Incident in Vigil' }] : []),
    ...(ctx.runbookUrl ? [{ href: ctx.runbookUrl, text: 'Runbook' }] : []),
    ...(ctx.dashboardUrl ? [{ href: ctx.dashboardUrl, text: 'Dashboard' }] : []),
  ];
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: truncate(ctx.service ? `${ctx.service}: ${ctx.title}` : ctx.title, PD_SUMMARY_MAX),
      source: ctx.service ?? 'vigil',
      severity: pagerDutySeverity(ctx.severity, ctx.urgency),
      timestamp: ctx.triggeredAt.toISOString(),
      ...(ctx.service ? { component: ctx.service } : {}),
      ...(ctx.team ? { group: ctx.team } : {}),
      custom_details: {
        incident: ctx.incidentId,
        severity: ctx.severity,
        urgency: ctx.urgency,
        level: ctx.level,
        alerts: { firing: ctx.alerts.firing, resolved: ctx.alerts.resolved, total: ctx.alerts.total },
        ...(ctx.summary ? { summary: ctx.summary } : {}),
        ...(ctx.team ? { team: ctx.team } : {}),
        ...(ctx.budget?.length ? { error_budget: ctx.budget.map(budgetLine) } : {}),
      },
    },
    ...(links.length ? { links } : {}),
    client: 'Vigil',
    ...(ctx.incidentUrl ? { client_url: ctx.incidentUrl } : {}),
  };
}

const STATUS_WORD: Readonly<Record<IncidentStatus, string>> = { triggered: 'TRIGGERED', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' };
/** The colour is a hint; the word beside it is what says the state (colour-blind readers, screen readers, notifications). */
const STATUS_EMOJI: Readonly<Record<IncidentStatus, string>> = { triggered: ':red_circle:', acknowledged: ':large_yellow_circle:', resolved: ':large_green_circle:' };

export const SLACK_ACK_ACTION = 'vigil_ack';
export const SLACK_RESOLVE_ACTION = 'vigil_resolve';

/**
 * The one Slack message of an incident, posted at trigger and rewritten in place (chat.update) as
 * it moves on. While it is open it carries Acknowledge and Resolve buttons whose value is the
 * incident id; once resolved the buttons go, so a late click cannot re-open anything.
 */
export function slackMessage(ctx: PageContext, channel: string): SlackMessage {
  const word = STATUS_WORD[ctx.status];
  const fields = [
    `*Status:*\n${statusLine(ctx)}`,
    `*Severity:*\n${mrkdwn(ctx.severity)} (${ctx.urgency} urgency)`,
    ...(ctx.service ? [`*Service:*\n${mrkdwn(ctx.service)}`] : []),
    ...(ctx.team ? [`*Team:*\n${mrkdwn(ctx.team)}`] : []),
    `*Alerts:*\n${alertCounts(ctx.alerts)}`,
    `*Triggered:*\n${ctx.triggeredAt.toISOString()}`,
  ];
  const links = [
    ...(ctx.runbookUrl ? [`<${ctx.runbookUrl}|Runbook>`] : []),
    ...(ctx.dashboardUrl ? [`<${ctx.dashboardUrl}|Dashboard>`] : []),
    ...(ctx.incidentUrl ? [`<${ctx.incidentUrl}|Incident ${mrkdwn(ctx.incidentId)}>`] : []),
  ];
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${word}: ${ctx.title}`, SLACK_HEADER_MAX), emoji: false } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
    ...(ctx.summary ? [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(ctx.summary) } }] : []),
    ...(ctx.budget?.length ? [{ type: 'section', text: { type: 'mrkdwn', text: ['*Error budget:*', ...ctx.budget.map((b) => `• ${mrkdwn(budgetLine(b))}`)].join('\n') } }] : []),
    ...(links.length ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: links.join('  ·  ') }] }] : []),
    ...(ctx.status === 'resolved'
      ? []
      : [
          {
            type: 'actions',
            block_id: 'vigil_actions',
            elements: [
              { type: 'button', action_id: SLACK_ACK_ACTION, text: { type: 'plain_text', text: 'Acknowledge' }, value: ctx.incidentId, style: 'primary' },
              { type: 'button', action_id: SLACK_RESOLVE_ACTION, text: { type: 'plain_text', text: 'Resolve' }, value: ctx.incidentId },
            ],
          },
        ]),
  ];
  return { channel, text: `${STATUS_EMOJI[ctx.status]} ${word}: ${ctx.service ? `${ctx.service}: ` : ''}${ctx.title}`, blocks };
}

const MAIL_ROOT = (incidentId: string) => `<incident-${incidentId}@vigil>`;

/**
 * The e-mail for `action`. The first page of an incident (level 1 trigger) carries a fixed
 * Message-ID; everything after it (re-pages, acknowledge, resolve) replies to it, so mail clients
 * thread one incident together. Later mails get no fixed id: a repeated Message-ID is taken for a
 * duplicate and dropped by some providers.
 */
export function incidentMail(ctx: PageContext, from: string, to: readonly string[], action: PageAction): Mail {
  const word = action === 'trigger' ? 'TRIGGERED' : action === 'acknowledge' ? 'ACKNOWLEDGED' : 'RESOLVED';
  const root = MAIL_ROOT(ctx.incidentId);
  const first = action === 'trigger' && ctx.level <= 1;
  const lines = [
    `${word}: ${oneLine(ctx.title)}`,
    '',
    `Incident:  ${ctx.incidentId}`,
    `Status:    ${statusLine(ctx, false)}`,
    `Severity:  ${ctx.severity} (${ctx.urgency} urgency)`,
    ...(ctx.service ? [`Service:   ${ctx.service}`] : []),
    ...(ctx.team ? [`Team:      ${ctx.team}`] : []),
    `Alerts:    ${alertCounts(ctx.alerts)}`,
    `Triggered: ${ctx.triggeredAt.toISOString()}`,
    ...(ctx.summary ? ['', ctx.summary] : []),
    ...(ctx.budget?.length ? ['', 'Error budget:', ...ctx.budget.map((b) => `  - ${budgetLine(b)}`)] : []),
    ...(ctx.runbookUrl || ctx.dashboardUrl || ctx.incidentUrl ? [''] : []),
    ...(ctx.runbookUrl ? [`Runbook:   ${ctx.runbookUrl}`] : []),
    ...(ctx.dashboardUrl ? [`Dashboard: ${ctx.dashboardUrl}`] : []),
    ...(ctx.incidentUrl ? [`Incident:  ${ctx.incidentUrl}`] : []),
  ];
  return {
    from,
    to,
    subject: `[${word}] ${oneLine(ctx.title)}`,
    text: `${lines.join('\n')}\n`,
    ...(first ? { messageId: root } : { inReplyTo: root }),
  };
}

export type WebhookAction = PageAction | 'escalate';

const WEBHOOK_TYPE: Readonly<Record<WebhookAction, string>> = {
  trigger: 'incident.triggered',
  acknowledge: 'incident.acknowledged',
  resolve: 'incident.resolved',
  escalate: 'incident.escalated',
};

export interface IncidentWebhookPayload {
  readonly type: 'incident.triggered' | 'incident.acknowledged' | 'incident.resolved' | 'incident.escalated';
  readonly incident: {
    readonly id: string;
    readonly title: string;
    readonly status: IncidentStatus;
    readonly urgency: 'high' | 'low';
    readonly severity: string;
    readonly service?: string;
    readonly team?: string;
    readonly level: number;
    readonly alerts: AlertCounts;
    readonly triggeredAt: string;
    readonly acknowledgedBy?: string;
    readonly resolvedBy?: string;
    readonly summary?: string;
    readonly links: { readonly incident?: string; readonly runbook?: string; readonly dashboard?: string };
    readonly budget?: readonly BudgetState[];
  };
}

/** The body of a generic webhook page; the caller serialises it once and signs those bytes (core/webhooks/signature.ts). */
export function webhookPayload(ctx: PageContext, action: WebhookAction): IncidentWebhookPayload {
  return {
    type: WEBHOOK_TYPE[action] as IncidentWebhookPayload['type'],
    incident: {
      id: ctx.incidentId,
      title: ctx.title,
      status: ctx.status,
      urgency: ctx.urgency,
      severity: ctx.severity,
      ...(ctx.service ? { service: ctx.service } : {}),
      ...(ctx.team ? { team: ctx.team } : {}),
      level: ctx.level,
      alerts: { firing: ctx.alerts.firing, resolved: ctx.alerts.resolved, total: ctx.alerts.total },
      triggeredAt: ctx.triggeredAt.toISOString(),
      ...(ctx.acknowledgedBy ? { acknowledgedBy: ctx.acknowledgedBy } : {}),
      ...(ctx.resolvedBy ? { resolvedBy: ctx.resolvedBy } : {}),
      ...(ctx.summary ? { summary: ctx.summary } : {}),
      links: { ...(ctx.incidentUrl ? { incident: ctx.incidentUrl } : {}), ...(ctx.runbookUrl ? { runbook: ctx.runbookUrl } : {}), ...(ctx.dashboardUrl ? { dashboard: ctx.dashboardUrl } : {}) },
      ...(ctx.budget?.length ? { budget: ctx.budget.map((b) => ({ slo: b.slo, remainingPercent: b.remainingPercent, status: b.status })) } : {}),
    },
  };
}

function statusLine(ctx: PageContext, slack = true): string {
  const esc = slack ? mrkdwn : (s: string) => s;
  if (ctx.status === 'acknowledged') return `Acknowledged${ctx.acknowledgedBy ? ` by ${esc(ctx.acknowledgedBy)}` : ''}`;
  if (ctx.status === 'resolved') return `Resolved${ctx.resolvedBy ? ` by ${esc(ctx.resolvedBy)}` : ''}`;
  return `Triggered (level ${ctx.level})`;
}

function alertCounts(a: AlertCounts): string {
  return `${a.firing} firing, ${a.resolved} resolved (${a.total} total)`;
}

function budgetLine(b: BudgetState): string {
  return `${b.slo}: ${formatPercent(b.remainingPercent)} left (${b.status})`;
}

/** One decimal, no trailing zero: 12.5%, 40%, -3.2% (an overspent budget goes negative). */
function formatPercent(p: number): string {
  return `${Number(p.toFixed(1))}%`;
}

/** Slack mrkdwn treats &, < and > as control characters; text from alerts must not become links or mentions. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A subject is one header line: a newline in an alert title must not start a new header. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

/**
 * Cut to at most `max` UTF-16 units (what JavaScript, and so the receivers' validators, count),
 * never inside a surrogate pair, marking the cut with an ellipsis.
 */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}
