import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed change of an incident is announced on the PostgreSQL channel
 * `vigil_incident_changes`, the payload being the incident's id: the web UI's live updates
 * (GET /api/events) listen on it on every replica, so a change made through any replica, or by
 * any path (ingest, escalation, acks from PagerDuty or Slack), reaches every open page.
 *
 * Triggers rather than calls in the code: no writer can forget one. NOTIFY is transactional (sent
 * at commit, never for a rollback) and PostgreSQL folds identical notifications of a transaction
 * into one, so an ack (a row update and a timeline entry) is one notification. A repeated
 * Alertmanager notification changes nothing people see and announces nothing: the incident row is
 * not updated and `notification_received` entries are left out. That keeps the ingest path free
 * of NOTIFY's cost (committing transactions that notified are serialised on a queue lock).
 */
export class IncidentNotify1764800000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION vigil_notify_incident() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('vigil_incident_changes', NEW.id::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION vigil_notify_incident_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('vigil_incident_changes', NEW.incident_id::text);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER incidents_notify AFTER INSERT OR UPDATE ON incidents FOR EACH ROW EXECUTE FUNCTION vigil_notify_incident()`);
    await q.query(`CREATE TRIGGER incident_events_notify AFTER INSERT ON incident_events FOR EACH ROW WHEN (NEW.kind <> 'notification_received') EXECUTE FUNCTION vigil_notify_incident_event()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER incident_events_notify ON incident_events');
    await q.query('DROP TRIGGER incidents_notify ON incidents');
    await q.query('DROP FUNCTION vigil_notify_incident_event()');
    await q.query('DROP FUNCTION vigil_notify_incident()');
  }
}
