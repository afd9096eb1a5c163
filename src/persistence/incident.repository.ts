import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import type { AlertRecord, IncidentRecord, IncidentStatus, TimelineEntry } from '../core/incidents/incident.js';
import type { IncidentDraft } from '../core/incidents/notification-decision.js';
import type { PageAction, PageDraft } from '../core/incidents/fan-out.js';
import type { PageTarget } from '../core/model/page-target.js';
import type { TransactionManager } from './job.repository.js';
import { toPage, type Page } from './page.js';
import type { Statement } from './prepared.js';
import { batchedTransaction, prepared, queueOn, readTogether } from './statement-batch.js';

export interface IncidentFilter {
  readonly status?: readonly IncidentStatus[];
  readonly service?: string;
  /** Incidents with a firing alert of this SLO (its `slo` label): what an SLO's page shows as firing now. */
  readonly slo?: string;
  readonly team?: string;
  readonly since?: Date;
  readonly limit: number;
  readonly beforeId?: string;
}

export interface StoredEvent extends TimelineEntry {
  readonly id: string;
}

/** The latest escalation level paged: who was paged, as the timeline's `escalated` entry recorded it. */
export interface LastPaged {
  readonly at: Date;
  readonly level: number;
  readonly cycle: number;
  /** Each target as the timeline names it (`alice (PagerDuty)`); entries written before targets were recorded list the people on call. */
  readonly targets: readonly string[];
}

/** A list row: the incident, its alerts counted by state, and the last level paged. */
export type IncidentSummary = IncidentRecord & { readonly alertCounts: Record<string, number>; readonly lastPaged: LastPaged | null };

export interface PageRecord {
  readonly id: string;
  readonly incidentId: string;
  readonly stream: string;
  readonly sink: PageTarget['sink'];
  readonly target: PageTarget;
  readonly action: PageAction;
  readonly level: number;
  readonly note: string | null;
  readonly status: 'pending' | 'sending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly lastError: string | null;
  readonly queuedAt: Date;
  readonly deliveredAt: Date | null;
}

export interface AttemptLogEntry {
  readonly attempt: number;
  readonly startedAt: string;
  /** Null while the attempt is in flight, or when its process died mid-send. */
  readonly durationMs: number | null;
  readonly httpStatus: number | null;
  readonly error: string | null;
}

export interface StreamState {
  readonly routingKey: string | null;
  readonly slackChannel: string | null;
  readonly slackTs: string | null;
}

type Row = Record<string, unknown>;

/** The ingest path's transaction on one key (`IncidentRepository.withKeyLock`). */
export interface KeyTransaction {
  /** The transaction's manager, for writes whose results are needed before COMMIT. */
  readonly m: TransactionManager;
  /** The key's latest incident, locked, with every alert it holds; null before its first. */
  readonly latest: { incident: IncidentRecord; alerts: AlertRecord[] } | null;
}

// Ids are read as text (bigint does not fit a JS number), so `ORDER BY id` after `id::text AS id`
// would sort the text ("10" before "9"): PostgreSQL resolves a bare ORDER BY name to the output
// column. Every ORDER BY here names the table's column (incidents.id), never the alias.
const INCIDENT_COLUMNS = `id::text AS id, route, group_key, status, title, service, team, severity, urgency, labels, annotations, snapshot,
  triggered_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, status_reason, flap_count, escalation_generation, escalation_started_at`;
const ALERT_COLUMNS = 'fingerprint, state, labels, annotations, starts_at, ends_at, last_seen_at, reason, generator_url';
const PAGE_QUERY = `SELECT p.id::text AS id, p.incident_id::text AS incident_id, p.stream, p.sink, s.target, p.action, p.level, p.note, p.status, p.attempts, p.last_error, p.queued_at, p.delivered_at,
         s.routing_key, s.slack_channel, s.slack_ts
    FROM pages p JOIN page_streams s USING (incident_id, stream) WHERE p.id = $1`;

/**
 * Incidents, their alerts and timeline, and the page outbox. Every write takes the caller's
 * transaction: the ingest path, the escalation steps and the responders' actions each decide in
 * the core and store the decision atomically, under the incident's lock.
 */
@Injectable()
export class IncidentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `fn` in a transaction holding the lock of (route, groupKey), with the key's latest incident
   * locked and every alert it holds: notifications of one group are applied one at a time.
   *
   * A repeated notification is two round trips (`batchedTransaction`): BEGIN, the lock and the
   * reads go in one; the alerts and timeline, queued by this repository's writes, go with COMMIT.
   * The alerts are read in a statement of their own, after the row lock is
   * granted, so with a snapshot taken then: read in the same statement as the incident they would
   * come from the snapshot taken before waiting for the lock, and miss what the holder (a resolve by
   * hand, the stale sweep) changed. `fn` must not open transactions of its own on `m`.
   */
  async withKeyLock<T>(route: string, groupKey: string, fn: (tx: KeyTransaction) => Promise<T>): Promise<T> {
    const key = [route, groupKey];
    const first: Statement[] = [
      { name: 'vigil_incident_key_lock', text: 'SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', values: key },
      { name: 'vigil_incident_latest', text: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE route = $1 AND group_key = $2 ORDER BY incidents.id DESC LIMIT 1 FOR UPDATE`, values: key },
      {
        name: 'vigil_incident_latest_alerts',
        text: `SELECT ${ALERT_COLUMNS} FROM incident_alerts
                WHERE incident_id = (SELECT id FROM incidents WHERE route = $1 AND group_key = $2 ORDER BY incidents.id DESC LIMIT 1) ORDER BY fingerprint`,
        values: key,
      },
    ];
    return batchedTransaction(this.dataSource, first, (m, [, incident, alerts]) => {
      const row = incident![0];
      const latest = row ? { incident: toIncident(row), alerts: alerts!.map(toAlert) } : null;
      return fn({ m, latest });
    });
  }

  transaction<T>(fn: (m: TransactionManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** The incident, locked for the rest of the transaction. */
  async lock(m: TransactionManager, id: string): Promise<IncidentRecord | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows = (await m.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1 FOR UPDATE`, [id])) as Row[];
    return rows[0] ? toIncident(rows[0]) : null;
  }

  /** Every alert of an incident; `m` null reads outside any transaction. */
  async alerts(m: TransactionManager | null, incidentId: string): Promise<AlertRecord[]> {
    const rows = (await prepared(m ?? this.dataSource, 'vigil_incident_alerts',
      `SELECT ${ALERT_COLUMNS} FROM incident_alerts WHERE incident_id = $1 ORDER BY fingerprint`,
      [incidentId],
    )) as Row[];
    return rows.map(toAlert);
  }

  async insert(m: TransactionManager, d: IncidentDraft, now: Date): Promise<string> {
    const rows = (await prepared(m, 'vigil_incident_insert',
      `INSERT INTO incidents (route, group_key, status, title, service, team, severity, urgency, labels, annotations, snapshot, triggered_at, acknowledged_at, acknowledged_by,
         resolved_at, resolved_by, status_reason, flap_count, escalation_generation, escalation_started_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id::text AS id`,
      [d.route, d.groupKey, d.status, d.title, d.service, d.team, d.severity, d.urgency, d.labels, d.annotations, d.snapshot, d.triggeredAt, d.acknowledgedAt, d.acknowledgedBy, d.resolvedAt, d.resolvedBy, d.statusReason, d.flapCount, d.escalationGeneration, d.escalationStartedAt, now],
    )) as { id: string }[];
    return rows[0]!.id;
  }

  // Writes nothing reads back go through `queueOn`: in a batched transaction (withKeyLock, a job's
  // fenced commit) they wait for the next read or COMMIT instead of costing a round trip each.

  async update(m: TransactionManager, r: IncidentRecord, now: Date): Promise<void> {
    await queueOn(m, {
      name: 'vigil_incident_update',
      text: `UPDATE incidents SET status = $2, acknowledged_at = $3, acknowledged_by = $4, resolved_at = $5, resolved_by = $6, status_reason = $7, flap_count = $8,
         escalation_generation = $9, escalation_started_at = $10, updated_at = $11 WHERE id = $1`,
      values: [r.id, r.status, r.acknowledgedAt, r.acknowledgedBy, r.resolvedAt, r.resolvedBy, r.statusReason, r.flapCount, r.escalationGeneration, r.escalationStartedAt, now],
    });
  }

  async upsertAlerts(m: TransactionManager, incidentId: string, alerts: readonly AlertRecord[]): Promise<void> {
    await queueOn(m, upsertAlertsStatement(incidentId, alerts));
  }

  async appendTimeline(m: TransactionManager, incidentId: string, entries: readonly TimelineEntry[]): Promise<void> {
    await queueOn(m, appendTimelineStatement(incidentId, entries));
  }

  /** The streams of an incident paged so far, for follow-ups. */
  async streams(m: TransactionManager, incidentId: string): Promise<{ stream: string; target: PageTarget }[]> {
    return (await m.query(`SELECT stream, target FROM page_streams WHERE incident_id = $1 ORDER BY stream`, [incidentId])) as { stream: string; target: PageTarget }[];
  }

  /**
   * Queues pages. Answers the ids of those at the head of their stream (nothing earlier still
   * pending there): only those get a delivery job now; the rest are started by the page before
   * them when it finishes. The stream row is locked by both sides, so no page is left waiting.
   */
  async enqueue(m: TransactionManager, incidentId: string, drafts: readonly PageDraft[], now: Date): Promise<string[]> {
    const heads: string[] = [];
    for (const d of drafts) {
      await queueOn(m, { name: 'vigil_page_stream_insert', text: `INSERT INTO page_streams (incident_id, stream, sink, target) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, values: [incidentId, d.stream, d.target.sink, d.target] });
      const rows = await prepared<{ id: string; busy: boolean }>(m, 'vigil_page_insert',
        `WITH s AS (SELECT 1 FROM page_streams WHERE incident_id = $1 AND stream = $2 FOR UPDATE),
              busy AS (SELECT EXISTS (SELECT 1 FROM pages WHERE incident_id = $1 AND stream = $2 AND status IN ('pending', 'sending')) AS busy)
         INSERT INTO pages (incident_id, stream, sink, action, level, note, queued_at)
         SELECT $1, $2, $3, $4, $5, $6, $7 FROM s, busy
          -- An update renders the incident as it is when sent: one still waiting covers this one too.
          WHERE $4 <> 'update' OR NOT EXISTS (SELECT 1 FROM pages WHERE incident_id = $1 AND stream = $2 AND action = 'update' AND status = 'pending')
         RETURNING id::text AS id, (SELECT busy FROM busy) AS busy`,
        [incidentId, d.stream, d.target.sink, d.action, d.level, d.note ?? null, now],
      );
      if (rows[0] && !rows[0].busy) heads.push(rows[0].id);
    }
    return heads;
  }

  /** What sending a page needs: the page with its stream's state, its incident and every alert of it, in one round trip. */
  async pageToSend(id: string): Promise<{ page: PageRecord & StreamState; incident: IncidentRecord | null; alerts: AlertRecord[] } | null> {
    const ofPage = '(SELECT incident_id FROM pages WHERE id = $1)';
    const [page, incident, alerts] = await readTogether(this.dataSource, [
      { name: 'vigil_page', text: PAGE_QUERY, values: [id] },
      { name: 'vigil_page_incident', text: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ${ofPage}`, values: [id] },
      { name: 'vigil_page_alerts', text: `SELECT ${ALERT_COLUMNS} FROM incident_alerts WHERE incident_id = ${ofPage} ORDER BY fingerprint`, values: [id] },
    ]);
    if (!page![0]) return null;
    return { page: toPageWithStream(page![0]), incident: incident![0] ? toIncident(incident![0]) : null, alerts: alerts!.map(toAlert) };
  }

  async startAttempt(m: TransactionManager, pageId: string, attempt: number, startedAt: Date): Promise<void> {
    await queueOn(
      m,
      { name: 'vigil_page_attempt_insert', text: `INSERT INTO page_attempts (page_id, attempt, started_at) VALUES ($1, $2, $3) ON CONFLICT (page_id, attempt) DO NOTHING`, values: [pageId, attempt, startedAt] },
      { name: 'vigil_page_sending', text: `UPDATE pages SET status = 'sending', attempts = GREATEST(attempts, $2) WHERE id = $1`, values: [pageId, attempt] },
    );
  }

  async saveStreamState(m: TransactionManager, incidentId: string, stream: string, state: Partial<StreamState>): Promise<void> {
    await queueOn(m, {
      name: 'vigil_page_stream_state',
      text: `UPDATE page_streams SET routing_key = COALESCE($3, routing_key), slack_channel = COALESCE($4, slack_channel), slack_ts = COALESCE($5, slack_ts) WHERE incident_id = $1 AND stream = $2`,
      values: [incidentId, stream, state.routingKey ?? null, state.slackChannel ?? null, state.slackTs ?? null],
    });
  }

  /**
   * Records an attempt's outcome. When the page is done (delivered or failed), answers the next
   * pending page of its stream, whose job the caller schedules in this same transaction.
   */
  async finishAttempt(
    m: TransactionManager,
    page: PageRecord,
    attempt: { readonly attempt: number; readonly durationMs: number; readonly httpStatus: number | null; readonly error: string | null },
    status: 'pending' | 'delivered' | 'failed',
    now: Date,
  ): Promise<string | null> {
    // Incident before stream, the order of every writer that queues pages (an ack holds the
    // incident FOR UPDATE, then locks the streams it follows up on). Taking the stream first and
    // the incident later (the timeline insert's foreign-key lock) deadlocked with such an ack: one
    // of them failed, the ack with a 500 or this outcome unrecorded and the page sent again.
    // KEY SHARE is what that foreign-key lock takes anyway; pages of one incident still finish side by side.
    // The locks are queued like the writes: in a batch they still run in this order, before the read.
    await queueOn(
      m,
      { name: 'vigil_incident_key_share', text: `SELECT 1 FROM incidents WHERE id = $1 FOR KEY SHARE`, values: [page.incidentId] },
      { name: 'vigil_page_attempt_outcome', text: `UPDATE page_attempts SET duration_ms = $3, http_status = $4, error = $5 WHERE page_id = $1 AND attempt = $2`, values: [page.id, attempt.attempt, attempt.durationMs, attempt.httpStatus, attempt.error] },
      { name: 'vigil_page_stream_lock', text: `SELECT 1 FROM page_streams WHERE incident_id = $1 AND stream = $2 FOR UPDATE`, values: [page.incidentId, page.stream] },
      { name: 'vigil_page_status', text: `UPDATE pages SET status = $2, last_error = $3, delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz END WHERE id = $1`, values: [page.id, status, attempt.error, now] },
    );
    if (status === 'pending') return null;
    const next = await prepared<{ id: string }>(m, 'vigil_page_next',
      `SELECT id::text AS id FROM pages WHERE incident_id = $1 AND stream = $2 AND status = 'pending' AND id > $3 ORDER BY pages.id LIMIT 1`,
      [page.incidentId, page.stream, page.id],
    );
    return next[0]?.id ?? null;
  }

  async markFailed(m: TransactionManager, pageId: string, error: string): Promise<void> {
    await queueOn(m, { name: 'vigil_page_failed', text: `UPDATE pages SET status = 'failed', last_error = $2 WHERE id = $1 AND status <> 'delivered'`, values: [pageId, error] });
  }

  async list(f: IncidentFilter): Promise<Page<IncidentSummary>> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => `$${args.push(v)}`;
    if (f.status?.length) where.push(`status = ANY(${arg(f.status)})`);
    if (f.service) where.push(`service = ${arg(f.service)}`);
    if (f.slo) where.push(`EXISTS (SELECT 1 FROM incident_alerts a WHERE a.incident_id = incidents.id AND a.state = 'firing' AND a.labels->>'slo' = ${arg(f.slo)})`);
    if (f.team) where.push(`team = ${arg(f.team)}`);
    if (f.since) where.push(`(triggered_at >= ${arg(f.since)} OR resolved_at IS NULL OR resolved_at >= $${args.length})`);
    if (f.beforeId) where.push(`id < ${arg(f.beforeId)}`);
    const rows = (await this.dataSource.query(
      `SELECT ${INCIDENT_COLUMNS},
         (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*) AS n FROM incident_alerts a WHERE a.incident_id = incidents.id GROUP BY state) c) AS alert_counts,
         (SELECT jsonb_build_object('at', e.at, 'detail', e.detail) FROM incident_events e WHERE e.incident_id = incidents.id AND e.kind = 'escalated' ORDER BY e.id DESC LIMIT 1) AS last_paged
         FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY incidents.id DESC LIMIT ${arg(f.limit + 1)}`,
      args,
    )) as Row[];
    return toPage(
      rows.map((r) => {
        const paged = r.last_paged as { at: string; detail: Record<string, unknown> | null } | null;
        return { ...toIncident(r), alertCounts: (r.alert_counts as Record<string, number> | null) ?? {}, lastPaged: paged ? lastPaged(new Date(paged.at), paged.detail) : null };
      }),
      f.limit,
    );
  }

  async find(id: string): Promise<IncidentRecord | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows = (await this.dataSource.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id])) as Row[];
    return rows[0] ? toIncident(rows[0]) : null;
  }

  async timeline(incidentId: string): Promise<StoredEvent[]> {
    const rows = (await this.dataSource.query(`SELECT id::text AS id, at, kind, actor, message, detail FROM incident_events WHERE incident_id = $1 ORDER BY incident_events.id`, [incidentId])) as Row[];
    return rows.map((r) => ({ id: r.id as string, at: r.at as Date, kind: r.kind as TimelineEntry['kind'], actor: r.actor as string, message: r.message as string, ...(r.detail ? { detail: r.detail as Record<string, unknown> } : {}) }));
  }

  /** Every page of an incident with each attempt made (start, duration, HTTP status, error). */
  async pages(incidentId: string): Promise<(PageRecord & { attemptLog: AttemptLogEntry[] })[]> {
    const rows = (await this.dataSource.query(
      `SELECT p.id::text AS id, p.incident_id::text AS incident_id, p.stream, p.sink, s.target, p.action, p.level, p.note, p.status, p.attempts, p.last_error, p.queued_at, p.delivered_at,
              COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'startedAt', a.started_at, 'durationMs', a.duration_ms, 'httpStatus', a.http_status, 'error', a.error) ORDER BY a.attempt)
                          FROM page_attempts a WHERE a.page_id = p.id), '[]'::jsonb) AS attempt_log
         FROM pages p JOIN page_streams s USING (incident_id, stream) WHERE p.incident_id = $1 ORDER BY p.id`,
      [incidentId],
    )) as Row[];
    return rows.map((r) => ({ ...toPageRecord(r), attemptLog: r.attempt_log as AttemptLogEntry[] }));
  }

  /**
   * Incidents holding an alert in one of `states` that Alertmanager has not re-sent since
   * `before`: live ones for the stale sweep, firing ones for the silence check.
   */
  async withAlertsQuietSince(states: readonly AlertRecord['state'][], before: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT incident_id::text AS id FROM incident_alerts WHERE state = ANY($1) AND last_seen_at < $2 LIMIT $3`,
      [states, before, limit],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Per sink: pages not yet delivered, and the age of the oldest. */
  async outbox(now: Date): Promise<{ sink: string; pending: number; oldestSeconds: number }[]> {
    const rows = (await this.dataSource.query(
      `SELECT sink, count(*)::int AS pending, EXTRACT(EPOCH FROM ($1::timestamptz - min(queued_at)))::float8 AS oldest FROM pages WHERE status IN ('pending', 'sending') GROUP BY sink`,
      [now],
    )) as { sink: string; pending: number; oldest: number }[];
    return rows.map((r) => ({ sink: r.sink, pending: r.pending, oldestSeconds: Math.max(0, r.oldest) }));
  }

  /** Incidents not resolved, counted by status, service and severity. */
  async openCounts(): Promise<{ status: string; service: string | null; severity: string | null; n: number }[]> {
    return (await this.dataSource.query(
      `SELECT status, service, severity, count(*)::int AS n FROM incidents WHERE status <> 'resolved' GROUP BY status, service, severity ORDER BY status, service, severity`,
    )) as { status: string; service: string | null; severity: string | null; n: number }[];
  }
}

/** One statement for any number of alerts: a storm of 1,000 is one round trip. Null for none. */
export function upsertAlertsStatement(incidentId: string, alerts: readonly AlertRecord[]): Statement | null {
  if (alerts.length === 0) return null;
  return {
    name: 'vigil_incident_alerts_upsert',
    text: `INSERT INTO incident_alerts (incident_id, fingerprint, state, labels, annotations, starts_at, ends_at, last_seen_at, reason, generator_url)
       SELECT $1::bigint, x.fingerprint, x.state, x.labels, x.annotations, x.starts_at, x.ends_at, x.last_seen_at, x.reason, x.generator_url
         FROM jsonb_to_recordset($2::jsonb) AS x(fingerprint text, state text, labels jsonb, annotations jsonb, starts_at timestamptz, ends_at timestamptz, last_seen_at timestamptz, reason text, generator_url text)
       ON CONFLICT (incident_id, fingerprint) DO UPDATE SET state = EXCLUDED.state, labels = EXCLUDED.labels, annotations = EXCLUDED.annotations,
         starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, last_seen_at = EXCLUDED.last_seen_at, reason = EXCLUDED.reason, generator_url = EXCLUDED.generator_url`,
    values: [
      incidentId,
      JSON.stringify(
        alerts.map((a) => ({
          fingerprint: a.fingerprint,
          state: a.state,
          labels: a.labels,
          annotations: a.annotations,
          starts_at: a.startsAt.toISOString(),
          ends_at: a.endsAt?.toISOString() ?? null,
          last_seen_at: a.lastSeenAt.toISOString(),
          reason: a.reason,
          generator_url: a.generatorUrl,
        })),
      ),
    ],
  };
}

/** Timeline entries in their order, in one statement. Null for none. */
export function appendTimelineStatement(incidentId: string, entries: readonly TimelineEntry[]): Statement | null {
  if (entries.length === 0) return null;
  return {
    name: 'vigil_incident_events_insert',
    text: `INSERT INTO incident_events (incident_id, at, kind, actor, message, detail)
       SELECT $1::bigint, x.at, x.kind, x.actor, x.message, x.detail FROM jsonb_to_recordset($2::jsonb) AS x(n int, at timestamptz, kind text, actor text, message text, detail jsonb) ORDER BY x.n`,
    values: [incidentId, JSON.stringify(entries.map((e, n) => ({ n, at: e.at.toISOString(), kind: e.kind, actor: e.actor, message: e.message, detail: e.detail ?? null })))],
  };
}

/** What an `escalated` timeline entry says was paged (see IncidentWriter.runStep). */
export function lastPaged(at: Date, detail: Readonly<Record<string, unknown>> | null | undefined): LastPaged {
  const d = detail ?? {};
  const onCall = (d.onCall ?? {}) as Record<string, string[]>;
  const targets = Array.isArray(d.targets) ? (d.targets as string[]) : [...new Set(Object.values(onCall).flat())];
  return { at, level: Number(d.level ?? 0), cycle: Number(d.cycle ?? 0), targets };
}

function toIncident(r: Row): IncidentRecord {
  return {
    id: r.id as string,
    route: r.route as string,
    groupKey: r.group_key as string,
    status: r.status as IncidentStatus,
    title: r.title as string,
    service: r.service as string | null,
    team: r.team as string | null,
    severity: r.severity as string | null,
    urgency: r.urgency as IncidentRecord['urgency'],
    labels: r.labels as Record<string, string>,
    annotations: r.annotations as Record<string, string>,
    snapshot: r.snapshot as IncidentRecord['snapshot'],
    triggeredAt: r.triggered_at as Date,
    acknowledgedAt: r.acknowledged_at as Date | null,
    acknowledgedBy: r.acknowledged_by as string | null,
    resolvedAt: r.resolved_at as Date | null,
    resolvedBy: r.resolved_by as string | null,
    statusReason: r.status_reason as string | null,
    flapCount: r.flap_count as number,
    escalationGeneration: r.escalation_generation as number,
    escalationStartedAt: r.escalation_started_at as Date,
  };
}

function toAlert(r: Row): AlertRecord {
  return {
    fingerprint: r.fingerprint as string,
    state: r.state as AlertRecord['state'],
    labels: r.labels as Record<string, string>,
    annotations: r.annotations as Record<string, string>,
    startsAt: r.starts_at as Date,
    endsAt: r.ends_at as Date | null,
    lastSeenAt: r.last_seen_at as Date,
    reason: r.reason as string | null,
    generatorUrl: r.generator_url as string,
  };
}

function toPageWithStream(r: Row): PageRecord & StreamState {
  return { ...toPageRecord(r), routingKey: r.routing_key as string | null, slackChannel: r.slack_channel as string | null, slackTs: r.slack_ts as string | null };
}

function toPageRecord(r: Row): PageRecord {
  return {
    id: r.id as string,
    incidentId: r.incident_id as string,
    stream: r.stream as string,
    sink: r.sink as PageTarget['sink'],
    target: r.target as PageTarget,
    action: r.action as PageAction,
    level: r.level as number,
    note: r.note as string | null,
    status: r.status as PageRecord['status'],
    attempts: r.attempts as number,
    lastError: r.last_error as string | null,
    queuedAt: r.queued_at as Date,
    deliveredAt: r.delivered_at as Date | null,
  };
}
