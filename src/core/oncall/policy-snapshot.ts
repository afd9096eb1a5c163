import type { OnCallSpec, Person, PolicyTarget } from '../model/oncall.js';
import type { PageTarget, PolicySnapshot, SnapshotLevel, Urgency } from '../model/page-target.js';
import { onCallAt } from './schedule.js';

/**
 * The escalation policy with every person and schedule resolved to where pages go, as it stands
 * at `at` (the trigger). The incident keeps it, so a later spec change or hand-off does not
 * rewrite who was, or will be, paged.
 *
 * Low urgency keeps level 1 only, with no repeat and no acknowledgement timeout: it notifies and
 * never escalates.
 */
export function snapshotPolicy(spec: OnCallSpec, route: string, policyName: string, urgency: Urgency, at: Date): PolicySnapshot {
  const policy = spec.policies.find((p) => p.name === policyName);
  // The parser refuses a route or defaultPolicy naming no policy; reaching this is a caller's bug.
  if (!policy) throw new Error(`no policy named "${policyName}"`);
  const levels: SnapshotLevel[] = policy.levels.slice(0, urgency === 'low' ? 1 : undefined).map((l, i) => {
    const resolved = resolveTargets(spec, l.targets, at);
    return {
      level: i + 1,
      afterSeconds: l.afterSeconds,
      targets: resolved.targets,
      ...(resolved.targets.length === 0 ? { skipped: resolved.empty.join('; ') || 'the level names no target' } : {}),
      onCall: resolved.onCall,
    };
  });
  return {
    route,
    policy: policy.name,
    urgency,
    resolvedAt: at.toISOString(),
    levels,
    repeat: urgency === 'low' ? 0 : policy.repeat,
    repeatAfterSeconds: policy.repeatAfterSeconds,
    ackTimeoutSeconds: urgency === 'low' ? null : policy.ackTimeoutSeconds,
    fallback: resolveTargets(spec, policy.fallback, at).targets,
  };
}

export interface ResolvedTargets {
  /** Each address once, in the order the targets name them. */
  readonly targets: PageTarget[];
  /** Who was on call for each schedule named. */
  readonly onCall: Record<string, readonly string[]>;
  /** Why targets resolved to nobody, e.g. `schedule "secondary" has nobody on call`. */
  readonly empty: string[];
}

export function resolveTargets(spec: OnCallSpec, targets: readonly PolicyTarget[], at: Date): ResolvedTargets {
  const out: ResolvedTargets = { targets: [], onCall: {}, empty: [] };
  const seen = new Set<string>();
  const add = (t: PageTarget) => {
    // alice named directly and on call through a schedule is paged once.
    const key = JSON.stringify({ ...t, who: undefined });
    if (seen.has(key)) return;
    seen.add(key);
    out.targets.push(t);
  };
  const person = (name: string) => {
    const p = spec.people.find((x) => x.name === name);
    const contacts = p ? contactTargets(p) : [];
    if (contacts.length === 0) out.empty.push(`person "${name}" has no contact point`);
    contacts.forEach(add);
  };
  for (const t of targets) {
    switch (t.kind) {
      case 'person':
        person(t.person);
        break;
      case 'schedule': {
        const schedule = spec.schedules.find((s) => s.name === t.schedule);
        const people = schedule ? onCallAt(schedule, at).people : [];
        out.onCall[t.schedule] = people;
        if (people.length === 0) out.empty.push(`schedule "${t.schedule}" has nobody on call`);
        people.forEach(person);
        break;
      }
      case 'slackChannel':
        add({ sink: 'slack', channel: t.channel });
        break;
      case 'email':
        add({ sink: 'email', address: t.address });
        break;
      case 'webhook':
        add({ sink: 'webhook', url: t.url, ...(t.secret ? { secret: t.secret } : {}) });
        break;
      case 'pagerduty':
        add({ sink: 'pagerduty', routingKey: t.routingKey });
        break;
    }
  }
  return out;
}

/** Every contact point of a person: PagerDuty, a Slack direct message, e-mail. */
function contactTargets(p: Person): PageTarget[] {
  const c = p.contacts;
  return [
    ...(c.pagerduty ? [{ sink: 'pagerduty', routingKey: c.pagerduty.routingKey, who: p.name } as const] : []),
    ...(c.slackUser ? [{ sink: 'slack', channel: c.slackUser, who: p.name } as const] : []),
    ...(c.email ? [{ sink: 'email', address: c.email, who: p.name } as const] : []),
  ];
}
