import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents from Alertmanager notifications, their alerts, their timeline, and the pages owed to
 * the sinks (an outbox: a page row is written in the transaction that decided it, before any send).
 */
export class Incidents1764400000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE incidents (
        id bigserial PRIMARY KEY,
        route text NOT NULL,
        group_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved', 'suppressed')),
        title text NOT NULL,
        service text,
        team text,
        severity text,
        urgency text NOT NULL CHECK (urgency IN ('high', 'low')),
        labels jsonb NOT NULL,
        annotations jsonb NOT NULL,
        snapshot jsonb NOT NULL,
        triggered_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by text,
        resolved_at timestamptz,
        resolved_by text,
        status_reason text,
        flap_count int NOT NULL DEFAULT 0,
        escalation_generation int NOT NULL,
        escalation_started_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX incidents_key_idx ON incidents (route, group_key, id DESC)');
    // At most one open incident per key, whatever the code above it does.
    await q.query(`CREATE UNIQUE INDEX incidents_one_open_idx ON incidents (route, group_key) WHERE status <> 'resolved'`);
    await q.query('CREATE INDEX incidents_status_idx ON incidents (status, id DESC)');
    await q.query('CREATE INDEX incidents_service_idx ON incidents (service, id DESC)');
    await q.query('CREATE INDEX incidents_team_idx ON incidents (team, id DESC)');
    await q.query(`
      CREATE TABLE incident_alerts (
        incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        fingerprint text NOT NULL,
        state text NOT NULL CHECK (state IN ('firing', 'resolved', 'suppressed', 'stale')),
        labels jsonb NOT NULL,
        annotations jsonb NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        last_seen_at timestamptz NOT NULL,
        reason text,
        generator_url text NOT NULL DEFAULT '',
        PRIMARY KEY (incident_id, fingerprint)
      )`);
    // The stale sweep's question, answered from an index.
    await q.query(`CREATE INDEX incident_alerts_live_idx ON incident_alerts (last_seen_at) WHERE state IN ('firing', 'suppressed')`);
    await q.query(`
      CREATE TABLE incident_events (
        id bigserial PRIMARY KEY,
        incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        actor text NOT NULL,
        message text NOT NULL,
        detail jsonb
      )`);
    await q.query('CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, id)');
    await q.query(`
      CREATE TABLE page_streams (
        incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        stream text NOT NULL,
        sink text NOT NULL CHECK (sink IN ('pagerduty', 'slack', 'email', 'webhook')),
        target jsonb NOT NULL,
        -- What later pages of the stream reuse: PagerDuty's routing key as read at the trigger,
        -- Slack's channel id and message ts.
        routing_key text,
        slack_channel text,
        slack_ts text,
        PRIMARY KEY (incident_id, stream)
      )`);
    await q.query(`
      CREATE TABLE pages (
        id bigserial PRIMARY KEY,
        incident_id bigint NOT NULL,
        stream text NOT NULL,
        sink text NOT NULL,
        action text NOT NULL CHECK (action IN ('trigger', 'acknowledge', 'resolve', 'update', 'fallback')),
        level int NOT NULL,
        note text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        queued_at timestamptz NOT NULL,
        delivered_at timestamptz,
        FOREIGN KEY (incident_id, stream) REFERENCES page_streams (incident_id, stream) ON DELETE CASCADE
      )`);
    await q.query('CREATE INDEX pages_stream_idx ON pages (incident_id, stream, id)');
    await q.query(`CREATE INDEX pages_open_idx ON pages (sink, queued_at) WHERE status IN ('pending', 'sending')`);
    await q.query(`
      CREATE TABLE page_attempts (
        page_id bigint NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms int,
        http_status int,
        error text,
        PRIMARY KEY (page_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE page_attempts');
    await q.query('DROP TABLE pages');
    await q.query('DROP TABLE page_streams');
    await q.query('DROP TABLE incident_events');
    await q.query('DROP TABLE incident_alerts');
    await q.query('DROP TABLE incidents');
  }
}
