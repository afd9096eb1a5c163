import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { bearer } from '../support/auth.js';
import { amNotification, incident, IncidentRig } from '../support/incident-rig.js';

/**
 * Ids are bigints read as text. Ordering by the text put "10" before "9": the wrong incident of a
 * group was taken as its latest, lists and timelines came out of order once ids grew a digit.
 * These cases run past 9 and 10 on purpose.
 */

let rig: IncidentRig;
let app: NestFastifyApplication;
const clock = new ManualClock(new Date('2026-11-29T10:00:00Z'));

beforeAll(async () => {
  rig = await IncidentRig.start('incident_ordering');
  app = await rig.startApp(rig.spec({ flapWindow: 60 }), {}, clock);
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

/** Warnings: Slack only, so the case is about ordering and not about pages. */
const labels = (alertname: string) => ({ alertname, service: 'checkout', severity: 'warning' });

async function post(alertname: string, status: 'firing' | 'resolved' = 'firing', startsAt = '2026-11-29T09:55:00Z'): Promise<{ id: string; created: boolean }> {
  const res = await request(app.getHttpServer())
    .post('/api/alerts/alertmanager')
    .set(bearer())
    .send(amNotification(`{}:{alertname="${alertname}"}`, [{ labels: labels(alertname), status, startsAt }]))
    .expect(200);
  return res.body.incidents[0];
}

describe('incidents past id 9', () => {
  it('a repeat goes to the newest incident of its group (10), not to the resolved one before it (9)', async () => {
    for (let n = 1; n <= 8; n++) await post(`Filler${n}`);
    const old = await post('Reopening');
    expect(old).toMatchObject({ id: '9', created: true });
    await post('Reopening', 'resolved');
    // Past the flap window, the alert fires anew (a later startsAt): a new incident, not 9 re-opened.
    clock.advance(120);
    expect(await post('Reopening', 'firing', '2026-11-29T10:02:00Z')).toMatchObject({ id: '10', created: true });
    expect(await post('Reopening', 'firing', '2026-11-29T10:02:00Z')).toMatchObject({ id: '10', created: false });
  });

  it('lists incidents newest first by number', async () => {
    const res = await request(app.getHttpServer()).get('/api/incidents').set(bearer()).expect(200);
    const ids = (res.body.items as { id: string }[]).map((i) => Number(i.id));
    expect(ids).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it("keeps a timeline in the order it happened when its entries' ids grow a digit", async () => {
    // Filler1's first entries have one-digit ids; everything since has two-digit ones.
    await post('Filler1');
    const i = await incident(app, '1');
    const ids = i.timeline.map((e) => Number((e as { id?: string }).id));
    expect(ids.some((n) => n < 10) && ids.some((n) => n >= 10)).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(i.timeline[0]!.kind).toBe('notification_received');
    expect(i.timeline.at(-1)!.kind).toBe('notification_received');
  });
});
