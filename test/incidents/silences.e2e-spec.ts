import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { JobWorker } from '../../src/modules/jobs/job-worker.js';
import { startAlertmanager, renderTestAlertmanagerConfig, type TestAlertmanager } from '../support/alertmanager-server.js';
import { bearer, TEST_ADMIN_TOKEN } from '../support/auth.js';
import { incident, IncidentRig } from '../support/incident-rig.js';
import { until } from '../support/until.js';

/**
 * Alertmanager drops silenced and inhibited alerts from its webhook notifications, so Vigil asks
 * its API why a firing alert went quiet. A real Alertmanager, a real silence.
 */
let rig: IncidentRig;
let am: TestAlertmanager;
let app: NestFastifyApplication;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  rig = await IncidentRig.start('silences');
  // Each names the other: Vigil's port is chosen first, Alertmanager's URL goes into the spec.
  const port = await freePort();
  const tokenFile = join(rig.work, 'am-token');
  await writeFile(tokenFile, `${TEST_ADMIN_TOKEN}\n`);
  am = await startAlertmanager({
    config: await renderTestAlertmanagerConfig({ vigilUrl: `http://127.0.0.1:${port}/api/alerts/alertmanager`, credentialsFile: tokenFile, groupWait: '1s', groupInterval: '2s', repeatInterval: '8s' }),
  });
  app = await rig.startApp(rig.spec({ alertmanagers: [am.url], silenceCheckAfter: 60 }), { PORT: String(port) }, clock);
});

afterAll(async () => {
  await am?.stop();
  await rig?.close();
});

const ALERT = { alertname: 'DiskFull', service: 'postgres', severity: 'critical', instance: 'db-1' };

async function openIncident(): Promise<{ id: string; status: string; statusReason: string | null }> {
  return until('the incident from Alertmanager', async () => {
    const res = await request(app.getHttpServer()).get('/api/incidents').query({ service: 'postgres' }).set(bearer()).expect(200);
    return res.body.items[0];
  });
}

describe('an alert silenced in Alertmanager', () => {
  it('is shown as suppressed with the silence as its reason, and triggers again when the silence ends', async () => {
    await am.postAlerts([{ labels: ALERT, annotations: { summary: 'disk full on db-1' } }]);
    const opened = await openIncident();
    expect(opened.status).toBe('triggered');

    const now = Date.now();
    const silence = await fetch(`${am.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }], startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), createdBy: 'carol', comment: 'resizing the volume' }),
    });
    expect(silence.status).toBe(200);
    const { silenceID } = (await silence.json()) as { silenceID: string };

    // The alert has gone quiet for longer than silenceCheckAfter: the recurring check asks Alertmanager.
    clock.advance(120);
    await app.get(JobWorker).drain();
    const held = await incident(app, opened.id);
    expect(held.status).toBe('suppressed');
    expect(held.alerts[0]).toMatchObject({ state: 'suppressed' });
    expect(held.alerts[0]!.reason).toMatch(new RegExp(`^silenced by carol until .*: "resizing the volume" \\(silence ${silenceID}\\)$`));
    expect(held.timeline.map((e) => e.kind)).toContain('suppressed');

    // Expiring the silence: Alertmanager sends the still-firing alert again at its repeat interval.
    const expired = await fetch(`${am.url}/api/v2/silence/${silenceID}`, { method: 'DELETE' });
    expect(expired.status).toBe(200);
    const back = await until('the incident triggered again', async () => {
      const i = await incident(app, opened.id);
      return i.status === 'triggered' ? i : undefined;
    }, 60_000);
    expect(back.timeline.map((e) => e.kind)).toContain('unsuppressed');
    expect(back.alerts[0]).toMatchObject({ state: 'firing', reason: null });
  });
});
