import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { amNotification, IncidentRig } from '../support/incident-rig.js';

let rig: IncidentRig;
let app: NestFastifyApplication;

beforeAll(async () => {
  rig = await IncidentRig.start('ingest_limits');
  app = await rig.startApp(rig.spec(), { VIGIL_INGEST_MAX_INFLIGHT: '1', DATABASE_QUERY_TIMEOUT: '30s' });
});

afterAll(async () => {
  await rig?.db.resume().catch(() => undefined);
  await rig?.close();
});

const alert = (n: number) => amNotification(`{}:{alertname="Limit${n}"}`, [{ labels: { alertname: `Limit${n}`, service: 'checkout', severity: 'warning' } }]);

describe('the Alertmanager receiver under pressure', () => {
  it('answers 503 with Retry-After past its in-flight limit (Alertmanager retries 5xx), and stores the held one once the database answers', async () => {
    await request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).send(alert(0)).expect(200);
    await rig.db.pause();
    // Two at once: whichever arrives first takes the only slot and waits on the frozen database; the other is refused.
    const send = (n: number) => request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).send(alert(n)).then((r) => ({ n, r }));
    const pending = [send(1), send(2)];
    // The refused one settles first: the other cannot finish while the database is frozen.
    const refused = await Promise.race(pending);
    expect(refused.r.status).toBe(503);
    const third = await request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).send(alert(3));
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('1');
    expect(third.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    await rig.db.resume();
    const results = await Promise.all(pending);
    expect(results.map((x) => x.r.status).sort()).toEqual([200, 503]);
    const stored = results.find((x) => x.r.status === 200)!.n;
    const list = await request(app.getHttpServer()).get('/api/incidents').set(bearer()).expect(200);
    const titles = list.body.items.map((i: { title: string }) => i.title).sort();
    // The refused ones were not stored: Alertmanager would send them again.
    expect(titles).toEqual(['Limit0 on checkout', `Limit${stored} on checkout`]);
  });

  it('takes a group past Fastify\'s 1 MiB default body limit, and refuses a body past 16 MiB with a JSON 413 and nothing stored', async () => {
    const alerts = (n: number, summary: string) => Array.from({ length: n }, (_, i) => ({ labels: { alertname: 'Big', service: 'checkout', severity: 'warning', pod: `pod-${i}` }, annotations: { summary } }));
    const count = async () => Number((await rig.query<{ n: string }>(`SELECT count(*) AS n FROM incident_alerts`))[0]!.n);
    const big = amNotification('{}:{alertname="Big"}', alerts(2_500, 'x'.repeat(500)));
    expect(JSON.stringify(big).length).toBeGreaterThan(1.5 * 1024 * 1024);
    const before = await count();
    const taken = await request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).send(big).expect(200);
    expect(taken.body.incidents).toEqual([expect.objectContaining({ created: true })]);
    expect(await count()).toBe(before + 2_500);

    const huge = amNotification('{}:{alertname="Huge"}', alerts(1, 'x'.repeat(17 * 1024 * 1024)));
    const refused = await request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).send(huge).expect(413);
    expect(refused.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(await count()).toBe(before + 2_500);
  });
});
