import type { PageTarget } from '../model/page-target.js';
import type { Via } from './responder-actions.js';

/**
 * Which pages an incident event makes. Every page belongs to a stream: one sink address for one
 * incident (a PagerDuty routing key, a Slack channel, a mailbox, a webhook URL). A stream's pages
 * are sent in order, one at a time, so PagerDuty sees trigger → acknowledge → resolve for its
 * dedup_key and a Slack message is posted before it is updated.
 */
export type PageAction = 'trigger' | 'acknowledge' | 'resolve' | 'update' | 'fallback';

export interface PageDraft {
  readonly stream: string;
  readonly target: PageTarget;
  readonly action: PageAction;
  /** 1-based level that paged; 0 for follow-ups and fallbacks. */
  readonly level: number;
  readonly note?: string;
}

export function streamOf(target: PageTarget): string {
  switch (target.sink) {
    case 'pagerduty':
      return `pagerduty:${'file' in target.routingKey ? `file:${target.routingKey.file}` : `env:${target.routingKey.env}`}`;
    case 'slack':
      return `slack:${target.channel}`;
    case 'email':
      return `email:${target.address.toLowerCase()}`;
    case 'webhook':
      return `webhook:${target.url}`;
  }
}

/** A level's pages; a target already paged in this incident is paged again (a repeat is meant to reach them again). */
export function levelPages(targets: readonly PageTarget[], level: number): PageDraft[] {
  const seen = new Set<string>();
  const out: PageDraft[] = [];
  for (const target of targets) {
    const stream = streamOf(target);
    if (seen.has(stream)) continue;
    seen.add(stream);
    out.push({ stream, target, action: 'trigger', level });
  }
  return out;
}

/**
 * What each sink already paged is told when the incident changes. Slack is updated in place;
 * mail and webhooks get acks and resolves but not every alert count change; PagerDuty gets
 * acknowledge and resolve, except from PagerDuty itself, which already knows.
 */
export function followUps(streams: readonly { readonly stream: string; readonly target: PageTarget }[], event: 'acknowledge' | 'resolve' | 'update' | 'trigger', via?: Via): PageDraft[] {
  const out: PageDraft[] = [];
  for (const { stream, target } of streams) {
    if (event === 'update' && target.sink !== 'slack') continue;
    if (via === 'pagerduty' && target.sink === 'pagerduty' && event !== 'update') continue;
    const action = target.sink === 'slack' && event !== 'trigger' ? 'update' : event;
    out.push({ stream, target, action, level: 0 });
  }
  return out;
}

/** A target as the timeline names it: who (when a person) and where, never a secret. */
export function describeTarget(t: PageTarget): string {
  const who = t.who ? `${t.who} ` : '';
  switch (t.sink) {
    case 'pagerduty':
      return `${who}(PagerDuty)`;
    case 'slack':
      return `${who}(Slack ${t.channel})`;
    case 'email':
      return `${who}(e-mail ${t.address})`;
    case 'webhook': {
      const u = URL.canParse(t.url) ? new URL(t.url) : undefined;
      return `${who}(webhook ${u ? `${u.host}${u.pathname}` : 'invalid URL'})`;
    }
  }
}
