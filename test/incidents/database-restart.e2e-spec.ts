import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { amNotification, IncidentRig, postAlerts } from '../support/incident-rig.js';
import { until } from '../support/until.js';

/**
 * Vigil's own database crashes and comes back at the same address (a failover to a replica behind
 * the same name, as Patroni or CloudNativePG do) while Alertmanager keeps sending. What Vigil
 * answered 2xx must be stored; what it could not store it must refuse with a 5xx, which
 * Alertmanager retries, never a 4xx, which it drops; and it must serve again without a restart.
 * Alertmanager's retries are played by re-sending every refused notification once it answers.
 */

const SENDERS = 4;
const BEFORE = 20;
const AFTER = 20;

let rig: IncidentRig;
let app: NestFastifyApplication;

beforeAll(async () => {
  rig = await IncidentRig.start('db_restart');
  app = await rig.startApp(rig.spec());
});

afterAll(async () => {
  await rig?.close();
});

interface Sent {
  readonly groupKey: string;
  readonly status: number;
  readonly at: 'before' | 'during' | 'after';
}

/** A warning alert of its own group: Vigil's default policy posts it to Slack, nothing pages. */
const notification = (groupKey: string) => amNotification(groupKey, [{ labels: { alertname: 'DiskFilling', service: 'checkout', severity: 'warning', instance: groupKey } }]);

it('a crash of the database under load loses no accepted notification, refuses the rest with 5xx, and Vigil serves again by itself', async () => {
  const sent: Sent[] = [];
  let phase: Sent['at'] = 'before';
  let stop = false;
  const sender = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const groupKey = `{}:{instance="s${n}-${i}"}`;
      const at = phase;
      const res = await postAlerts(app, notification(groupKey)).catch((err: { status?: number }) => ({ status: err.status ?? 0 }));
      sent.push({ groupKey, status: res.status, at });
    }
  };
  const ok = (at: Sent['at']) => sent.filter((s) => s.at === at && s.status >= 200 && s.status < 300).length;

  const senders = Array.from({ length: SENDERS }, (_, n) => sender(n));
  await until(`${BEFORE} notifications stored before the crash`, () => ok('before') >= BEFORE, 60_000, 20);
  phase = 'during';
  await rig.db.crashRestart();
  phase = 'after';
  await until(`${AFTER} notifications stored after the restart`, () => ok('after') >= AFTER, 60_000, 20);
  stop = true;
  await Promise.all(senders);

  // A 4xx would be dropped by Alertmanager: everything not stored must be a 5xx.
  const statuses = [...new Set(sent.map((s) => s.status))].sort();
  expect(statuses.filter((s) => !(s >= 200 && s < 300) && !(s >= 500 && s < 600))).toEqual([]);

  // Alertmanager's retries: every refused notification again, now that Vigil answers.
  const refused = sent.filter((s) => s.status >= 500);
  // The crash was felt: requests in flight while the server was away were refused, not hung or lost.
  expect(refused.length).toBeGreaterThan(0);
  for (const s of refused) await postAlerts(app, notification(s.groupKey)).expect(200);

  const keys = new Set(sent.map((s) => s.groupKey));
  const stored = await rig.query<{ group_key: string; n: number }>(`SELECT group_key, count(*)::int AS n FROM incidents GROUP BY group_key`);
  // Each notification once: none lost (accepted or retried), none stored twice.
  expect(stored.filter((r) => r.n !== 1)).toEqual([]);
  expect(new Set(stored.map((r) => r.group_key))).toEqual(keys);
  expect(sent.filter((s) => s.status === 200).length + refused.length).toBe(sent.length);

  await request(app.getHttpServer()).get('/readyz').expect(200);
});
