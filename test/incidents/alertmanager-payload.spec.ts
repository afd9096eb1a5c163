import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelsFingerprint, notificationSchema, toNotification } from '../../src/core/incidents/alertmanager-payload.js';

/** Payloads captured from the real Alertmanager 0.25 (test/fixtures/alertmanager/README.md). */
const fixture = (name: string) => JSON.parse(readFileSync(join('test', 'fixtures', 'alertmanager', name), 'utf8')) as { alerts: { fingerprint: string; labels: Record<string, string> }[] };

describe('Alertmanager webhook payload v4', () => {
  it.each(['webhook-firing.json', 'webhook-partly-resolved.json', 'webhook-resolved.json'])('%s: every fingerprint Alertmanager sent is the one computed from the labels', (name) => {
    const f = fixture(name);
    expect(f.alerts.length).toBeGreaterThan(0);
    for (const a of f.alerts) expect(labelsFingerprint(a.labels)).toBe(a.fingerprint);
  });

  it('reads a captured payload: firing alerts have no end, resolved ones do', () => {
    const n = toNotification(notificationSchema.parse(fixture('webhook-partly-resolved.json')));
    expect(n.alerts.filter((a) => a.status === 'firing').every((a) => a.endsAt === null)).toBe(true);
    expect(n.alerts.filter((a) => a.status === 'resolved').every((a) => a.endsAt instanceof Date)).toBe(true);
  });

  it('accepts an older sender without fingerprint, truncatedAlerts or version, and computes the fingerprint', () => {
    const raw = { groupKey: 'g', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'A', service: 's' }, startsAt: '2026-11-29T10:00:00Z' }] };
    const n = toNotification(notificationSchema.parse(raw));
    expect(n.alerts[0]!.fingerprint).toBe(labelsFingerprint({ alertname: 'A', service: 's' }));
    expect(n.truncatedAlerts).toBe(0);
  });

  it('the empty label set has FNV-1a 64’s offset basis as its fingerprint, as in prometheus/common', () => {
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
  });

  it.each([
    [{ groupKey: 'g', status: 'firing', alerts: [] }, 'alerts'],
    [{ groupKey: '', status: 'firing', alerts: [{ status: 'firing', labels: { a: 'b' }, startsAt: '2026-11-29T10:00:00Z' }] }, 'groupKey'],
    [{ groupKey: 'g', status: 'firing', version: '3', alerts: [{ status: 'firing', labels: { a: 'b' }, startsAt: '2026-11-29T10:00:00Z' }] }, 'version'],
    [{ groupKey: 'g', status: 'firing', alerts: [{ status: 'firing', labels: {}, startsAt: '2026-11-29T10:00:00Z' }] }, 'alerts.0.labels'],
  ])('refuses %j at %s', (raw, path) => {
    const r = notificationSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
