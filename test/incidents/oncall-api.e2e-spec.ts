import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { bearer } from '../support/auth.js';
import { IncidentRig } from '../support/incident-rig.js';

/**
 * "Who is on call" and "who would be paged" over HTTP, answered from the rig's OnCall spec at the
 * app's clock: alice holds primary and bob secondary (one-person weekly rotations handing over on
 * Mondays 09:00 Europe/Berlin); critical alerts page the team, #alerts-critical and primary at
 * once and secondary after 900 s; everything else goes to #alerts-warning.
 */

// A Sunday, 11:00 in Berlin (CET): inside the shift that began Monday 2026-11-23 09:00 CET.
const T0 = new Date('2026-11-29T10:00:00Z');

let rig: IncidentRig;
let app: NestFastifyApplication;

beforeAll(async () => {
  rig = await IncidentRig.start('oncall_api', { clock: new ManualClock(T0) });
  // bob covers primary for a day, from Tuesday: after T0, so who is on call at T0 is unchanged.
  app = await rig.startApp(rig.spec({ primaryOverrides: [{ person: 'bob', from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }] }));
});

afterAll(async () => {
  await rig?.close();
});

const get = (path: string) => request(app.getHttpServer()).get(path).set(bearer());
const routeTest = (body: unknown) => request(app.getHttpServer()).post('/api/routes/test').set(bearer()).send(body as object);
/** A target as `sink who`, the way a reader of the answer would list it. */
const describeTarget = (t: { sink: string; who?: string; channel?: string; address?: string }) => [t.sink, t.who ?? '-', t.channel ?? t.address ?? ''].join(' ').trim();

describe('GET /api/oncall', () => {
  it('answers alice for primary and bob for secondary, with the current weekly shift', async () => {
    const primary = await get('/api/oncall?schedule=primary').expect(200);
    expect(primary.body).toMatchObject({ schedule: 'primary', timeZone: 'Europe/Berlin', at: T0.toISOString(), onCall: [{ name: 'alice', displayName: 'alice' }], source: 'rotation', rotation: 'weekly' });
    // Mondays 09:00 CET are 08:00 UTC.
    expect(primary.body.shift).toEqual({ from: '2026-11-23T08:00:00.000Z', until: '2026-11-30T08:00:00.000Z' });
    const secondary = await get('/api/oncall?schedule=secondary').expect(200);
    expect(secondary.body).toMatchObject({ schedule: 'secondary', onCall: [{ name: 'bob', displayName: 'bob' }] });
    const all = await get('/api/oncall').expect(200);
    expect(all.body.schedules.map((s: { schedule: string; onCall: { name: string }[] }) => [s.schedule, s.onCall.map((p) => p.name)])).toEqual([
      ['primary', ['alice']],
      ['secondary', ['bob']],
    ]);
  });

  it('/metrics says the same: vigil_oncall_current is 1 for alice on primary and bob on secondary, and for nobody else', async () => {
    const text = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(text.split('\n').filter((l) => l.startsWith('vigil_oncall_current{'))).toEqual([
      'vigil_oncall_current{schedule="primary",person="alice"} 1',
      'vigil_oncall_current{schedule="secondary",person="bob"} 1',
    ]);
  });

  it('lists the overrides ahead and the next two weeks as shifts with no gap or overlap, computed from the schedule', async () => {
    const primary = await get('/api/oncall?schedule=primary').expect(200);
    expect(primary.body.overrides).toEqual([{ person: { name: 'bob', displayName: 'bob' }, from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z', active: false }]);
    // alice alone on the weekly rotation: her Monday hand-off to herself is no change; bob's override is.
    expect(primary.body.shifts).toEqual([
      { from: T0.toISOString(), until: '2026-12-01T00:00:00.000Z', onCall: [{ name: 'alice', displayName: 'alice' }], source: 'rotation' },
      { from: '2026-12-01T00:00:00.000Z', until: '2026-12-02T00:00:00.000Z', onCall: [{ name: 'bob', displayName: 'bob' }], source: 'override' },
      { from: '2026-12-02T00:00:00.000Z', until: '2026-12-13T10:00:00.000Z', onCall: [{ name: 'alice', displayName: 'alice' }], source: 'rotation' },
    ]);
    expect(primary.body.nextHandoffs.map((h: { at: string }) => h.at)).toEqual(primary.body.shifts.slice(1).map((s: { from: string }) => s.from));
    // During the override it is active, and bob is on call.
    const during = await get('/api/oncall?schedule=primary&at=2026-12-01T12:00:00Z').expect(200);
    expect(during.body).toMatchObject({ onCall: [{ name: 'bob' }], source: 'override', overrides: [{ person: { name: 'bob' }, active: true }] });
    // After it, nothing is listed.
    expect((await get('/api/oncall?schedule=primary&at=2026-12-02T00:00:00Z').expect(200)).body.overrides).toEqual([]);
  });

  it('an unknown schedule is a 404 naming the schedules there are', async () => {
    const res = await get('/api/oncall?schedule=tertiary').expect(404);
    expect(res.body.message).toBe('no schedule "tertiary"; schedules: primary, secondary');
  });
});

describe('POST /api/routes/test', () => {
  it('a critical alert takes the critical route: level 1 is the team, #alerts-critical and alice; level 2, after 900 s, is bob', async () => {
    const res = await routeTest({ labels: { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', severity: 'critical' } }).expect(200);
    expect(res.body).toMatchObject({ at: T0.toISOString(), route: 'critical', policy: 'critical', matchedBy: ['severity="critical"'], urgency: 'high', maintenance: null });
    const levels = res.body.snapshot.levels as { level: number; afterSeconds: number; onCall: Record<string, string[]>; targets: { sink: string; who?: string; channel?: string; address?: string }[] }[];
    // A person's contact points come PagerDuty, Slack, e-mail; bob has no PagerDuty.
    expect(levels.map((l) => ({ level: l.level, afterSeconds: l.afterSeconds, onCall: l.onCall, targets: l.targets.map(describeTarget) }))).toEqual([
      { level: 1, afterSeconds: 0, onCall: { primary: ['alice'] }, targets: ['pagerduty -', 'slack - #alerts-critical', 'pagerduty alice', 'slack alice U0ALICE', 'email alice alice@example.com'] },
      { level: 2, afterSeconds: 900, onCall: { secondary: ['bob'] }, targets: ['slack bob U0BOB', 'email bob bob@example.com'] },
    ]);
    expect(res.body.snapshot.fallback.map(describeTarget)).toEqual(['email - oncall-fallback@example.com']);
  });

  it('a warning takes no route: the default policy, low urgency, #alerts-warning only', async () => {
    const res = await routeTest({ labels: { alertname: 'CheckoutLatencyHigh', severity: 'warning' } }).expect(200);
    expect(res.body).toMatchObject({ route: 'default', policy: 'warning', matchedBy: [], urgency: 'low' });
    expect(res.body.snapshot.levels.map((l: { targets: { sink: string; channel?: string }[] }) => l.targets.map(describeTarget))).toEqual([['slack - #alerts-warning']]);
  });

  it('labels that are not a label set are a 400', async () => {
    await routeTest({ labels: {} }).expect(400);
    await routeTest({ labels: { severity: 3 } }).expect(400);
  });
});
