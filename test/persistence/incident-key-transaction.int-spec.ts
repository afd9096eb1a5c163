import type { DataSource } from 'typeorm';
import type { AlertRecord, IncidentRecord } from '../../src/core/incidents/incident.js';
import type { PolicySnapshot } from '../../src/core/model/page-target.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { appendTimelineStatement, IncidentRepository, upsertAlertsStatement } from '../../src/persistence/incident.repository.js';
import { queueOn } from '../../src/persistence/statement-batch.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { until } from '../support/until.js';

/**
 * The ingest path's transaction (`IncidentRepository.withKeyLock`) on a real PostgreSQL: BEGIN, the
 * key's lock and its reads in one simple-protocol query, queued writes with COMMIT in another,
 * statements PREPAREd per connection with values inlined as literals.
 */

const T0 = new Date('2026-11-29T10:00:00.000Z');
const SNAPSHOT: PolicySnapshot = { route: 'critical', policy: 'p', urgency: 'high', resolvedAt: T0.toISOString(), levels: [], repeat: 0, repeatAfterSeconds: 900, ackTimeoutSeconds: 1800, fallback: [] };
/** Text that breaks naive quoting: quotes, backslashes, a `$1`, a semicolon, non-ASCII. */
const AWKWARD = `O'Brien \\ "quoted" $1; DROP TABLE incidents; -- ünïcödé 🔥`;

let server: TestPostgres;
let ds: DataSource;
let repo: IncidentRepository;
let dbCount = 0;

beforeAll(async () => {
  server = await startTestPostgres('vigil_key_tx_test');
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  ds = await openDatabase(await server.createDatabase(`vigil_key_tx_${++dbCount}_test`), { poolSize: 3 });
  repo = new IncidentRepository(ds);
});

afterEach(async () => {
  await ds.destroy();
});

const alert = (fingerprint: string, state: AlertRecord['state'], lastSeenAt = T0): AlertRecord => ({
  fingerprint, state, labels: { alertname: 'HighErrorRate', note: AWKWARD }, annotations: { summary: AWKWARD }, startsAt: T0, endsAt: null, lastSeenAt, reason: null, generatorUrl: '',
});

/** A new incident of (critical, groupKey) with one firing alert, stored the way ingest stores one. */
async function open(groupKey: string): Promise<IncidentRecord> {
  return repo.withKeyLock('critical', groupKey, async ({ m, latest }) => {
    expect(latest).toBeNull();
    const draft = { id: null, route: 'critical', groupKey, status: 'triggered' as const, title: AWKWARD, service: 'checkout', team: null, severity: 'critical', urgency: 'high' as const, labels: {}, annotations: {}, snapshot: SNAPSHOT,
      triggeredAt: T0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, statusReason: null, flapCount: 0, escalationGeneration: 1, escalationStartedAt: T0 };
    const id = await repo.insert(m, draft, T0);
    await repo.upsertAlerts(m, id, [alert('a1', 'firing')]);
    return { ...draft, id };
  });
}

it('reads the key’s latest incident and alerts, and stores writes queued for COMMIT, values intact', async () => {
  const groupKey = `{}:{alertname="${AWKWARD}"}`;
  const incident = await open(groupKey);
  const later = new Date(T0.getTime() + 60_000);
  await repo.withKeyLock('critical', groupKey, async ({ m, latest }) => {
    expect(latest?.incident).toMatchObject({ id: incident.id, title: AWKWARD, triggeredAt: T0 });
    expect(latest?.alerts).toEqual([alert('a1', 'firing')]);
    await queueOn(m, upsertAlertsStatement(incident.id, [alert('a1', 'firing', later), alert('a2', 'firing', later)])!, appendTimelineStatement(incident.id, [{ kind: 'notification_received', at: later, actor: 'alertmanager', message: AWKWARD, detail: { externalUrl: AWKWARD } }])!);
  });
  expect(await repo.alerts(null, incident.id)).toEqual([alert('a1', 'firing', later), alert('a2', 'firing', later)]);
  expect((await repo.timeline(incident.id)).map((e) => [e.message, e.detail])).toEqual([[AWKWARD, { externalUrl: AWKWARD }]]);
});

it('a holder’s queued writes are what the next one on the key reads: its alerts come from a snapshot taken after the lock', async () => {
  const incident = await open('g');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let holding!: () => void;
  const isHolding = new Promise<void>((r) => (holding = r));
  const first = repo.withKeyLock('critical', 'g', async ({ m }) => {
    holding();
    await held;
    await queueOn(m, upsertAlertsStatement(incident.id, [alert('a1', 'resolved')])!);
  });
  await isHolding;
  const second = repo.withKeyLock('critical', 'g', async ({ latest }) => latest?.alerts.map((a) => a.state));
  // Its BEGIN has taken a snapshot and it is queued on the key's lock: the case a stale read would get wrong.
  await until('the second to wait on the key lock', async () => {
    const rows = (await ds.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`)) as unknown[];
    return rows.length === 1;
  });
  release();
  await first;
  expect(await second).toEqual(['resolved']);
});

it('a failure rolls back everything, queued writes included, and the pool goes on working on fresh connections', async () => {
  const incident = await open('g');
  // More failures than the pool has connections: each failed one is dropped, and its replacement PREPAREs again.
  for (let i = 0; i < 5; i++) {
    await expect(
      repo.withKeyLock('critical', 'g', async ({ m }) => {
        await queueOn(m, appendTimelineStatement(incident.id, [{ kind: 'notification_received', at: T0, actor: 'alertmanager', message: `lost ${i}` }])!);
        await repo.appendTimeline(m, incident.id, [{ kind: 'notification_received', at: T0, actor: 'alertmanager', message: `also lost ${i}` }]);
        throw new Error(`refused ${i}`);
      }),
    ).rejects.toThrow(`refused ${i}`);
    // A queued write that fails at COMMIT rolls back what went before it too.
    await expect(
      repo.withKeyLock('critical', 'g', async ({ m }) => {
        await repo.appendTimeline(m, incident.id, [{ kind: 'notification_received', at: T0, actor: 'alertmanager', message: `lost at commit ${i}` }]);
        await queueOn(m, { name: 'broken', text: 'SELECT 1 / $1::int', values: [0] });
      }),
    ).rejects.toThrow('division by zero');
    expect(await repo.withKeyLock('critical', 'g', async ({ latest }) => latest?.incident.id)).toBe(incident.id);
  }
  expect(await repo.timeline(incident.id)).toEqual([]);
});
