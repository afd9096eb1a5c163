import { z } from 'zod';
import type { AlertRecord, IncidentRecord } from '../../core/incidents/incident.js';
import { lastPaged, type AttemptLogEntry, type IncidentSummary, type LastPaged, type PageRecord, type StoredEvent } from '../../persistence/incident.repository.js';
import type { Page } from '../../persistence/page.js';
import { instantSchema } from '../http/zod.pipe.js';

const STATUSES = ['triggered', 'acknowledged', 'resolved', 'suppressed'] as const;

export const listQuerySchema = z.strictObject({
  status: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(STATUSES, { error: `must be a comma-separated list of ${STATUSES.join(', ')}` })))
    .optional(),
  service: z.string().min(1).max(200).optional(),
  slo: z.string().min(1).max(200).optional(),
  team: z.string().min(1).max(200).optional(),
  since: instantSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().regex(/^\d{1,18}$/, 'must be the nextCursor of the previous page').optional(),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const actionBodySchema = z.strictObject({ note: z.string().min(1).max(4000).optional() });
export const noteBodySchema = z.strictObject({ text: z.string().min(1).max(4000) });

export const testAlertSchema = z.strictObject({
  service: z.string().min(1).max(200).default('vigil'),
  severity: z.string().min(1).max(50).default('critical'),
  summary: z.string().min(1).max(1000).optional(),
  labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are Prometheus label names'), z.string().max(1000)).optional(),
});
export type TestAlert = z.output<typeof testAlertSchema>;

export const routeTestSchema = z.strictObject({
  labels: z.record(z.string(), z.string()).refine((l) => Object.keys(l).length > 0, 'give at least one label'),
  at: instantSchema.optional(),
});

export function toIncidentDto(i: IncidentRecord & { alertCounts?: Record<string, number>; lastPaged?: LastPaged | null }) {
  return {
    id: i.id,
    status: i.status,
    title: i.title,
    route: i.route,
    groupKey: i.groupKey,
    service: i.service,
    team: i.team,
    severity: i.severity,
    urgency: i.urgency,
    policy: i.snapshot.policy,
    labels: i.labels,
    triggeredAt: i.triggeredAt.toISOString(),
    acknowledgedAt: i.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: i.acknowledgedBy,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    resolvedBy: i.resolvedBy,
    statusReason: i.statusReason,
    flapCount: i.flapCount,
    ...(i.alertCounts ? { alertCounts: i.alertCounts } : {}),
    ...(i.lastPaged !== undefined ? { lastPaged: i.lastPaged ? { ...i.lastPaged, at: i.lastPaged.at.toISOString() } : null } : {}),
  };
}

export function toIncidentListDto(page: Page<IncidentSummary>) {
  return { items: page.items.map(toIncidentDto), nextCursor: page.nextCursor };
}
export type IncidentListDto = ReturnType<typeof toIncidentListDto>;
export type IncidentDto = IncidentListDto['items'][number];

function alertDto(a: AlertRecord) {
  return {
    fingerprint: a.fingerprint,
    state: a.state,
    reason: a.reason,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt?.toISOString() ?? null,
    lastSeenAt: a.lastSeenAt.toISOString(),
    generatorUrl: a.generatorUrl,
  };
}

/** Targets as the API shows them: secret references name their file or variable, never a value. */
function pageDto(p: PageRecord & { attemptLog: AttemptLogEntry[] }) {
  return {
    id: p.id,
    sink: p.sink,
    target: p.target,
    action: p.action,
    level: p.level,
    status: p.status,
    attempts: p.attempts,
    lastError: p.lastError,
    queuedAt: p.queuedAt.toISOString(),
    deliveredAt: p.deliveredAt?.toISOString() ?? null,
    attemptLog: p.attemptLog,
  };
}

export function toIncidentDetailDto(d: { incident: IncidentRecord; alerts: AlertRecord[]; timeline: StoredEvent[]; pages: (PageRecord & { attemptLog: AttemptLogEntry[] })[] }) {
  const escalated = d.timeline.findLast((e) => e.kind === 'escalated');
  return {
    ...toIncidentDto({ ...d.incident, lastPaged: escalated ? lastPaged(escalated.at, escalated.detail) : null }),
    annotations: d.incident.annotations,
    snapshot: d.incident.snapshot,
    alerts: d.alerts.map(alertDto),
    timeline: d.timeline.map((e) => ({ id: e.id, at: e.at.toISOString(), kind: e.kind, actor: e.actor, message: e.message, ...(e.detail ? { detail: e.detail } : {}) })),
    pages: d.pages.map(pageDto),
  };
}
export type IncidentDetailDto = ReturnType<typeof toIncidentDetailDto>;
