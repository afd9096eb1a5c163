import type { MaintenanceWindow } from '../model/oncall.js';
import type { ReceivedAlert } from './alertmanager-payload.js';
import type { AlertRecord } from './incident.js';

/**
 * What one alert of a notification does to the alert Vigil knows by that fingerprint.
 *
 * Alertmanager sends a group's whole state every time, replicas send the same notification
 * twice and retries arrive late, so merging must not depend on arrival order. The occurrence is
 * told by `startsAt` (Prometheus gives a re-fire a new one): an older occurrence is ignored, and
 * a resolved occurrence stays resolved whatever firing copy of it arrives later. A firing alert
 * inside a maintenance window is `suppressed`, with the window as its reason.
 */
export type AlertChange = 'fired' | 'refreshed' | 'suppressed' | 'resolved' | 'ignored';

export function mergeAlert(
  prev: AlertRecord | undefined,
  incoming: ReceivedAlert,
  now: Date,
  window: MaintenanceWindow | undefined,
): { readonly record: AlertRecord; readonly change: AlertChange } {
  const base = {
    fingerprint: incoming.fingerprint,
    labels: incoming.labels,
    annotations: incoming.annotations,
    startsAt: incoming.startsAt,
    endsAt: incoming.endsAt,
    lastSeenAt: now,
    generatorUrl: incoming.generatorUrl,
  };
  if (prev && incoming.startsAt.getTime() < prev.startsAt.getTime()) return { record: prev, change: 'ignored' };
  const sameOccurrence = prev !== undefined && incoming.startsAt.getTime() === prev.startsAt.getTime();

  if (incoming.status === 'resolved') {
    if (prev && prev.state === 'resolved') return { record: sameOccurrence ? prev : { ...base, state: 'resolved', reason: null }, change: 'ignored' };
    return { record: { ...base, state: 'resolved', reason: null }, change: prev ? 'resolved' : 'ignored' };
  }

  // Firing. A resolve of this very occurrence (by Alertmanager or by hand) is final.
  if (prev && sameOccurrence && prev.state === 'resolved') return { record: prev, change: 'ignored' };
  if (window) {
    const reason = `maintenance window "${window.name}" until ${window.to.toISOString()}`;
    return { record: { ...base, state: 'suppressed', reason }, change: prev?.state === 'suppressed' ? 'refreshed' : 'suppressed' };
  }
  const wasFiring = prev !== undefined && prev.state === 'firing';
  return { record: { ...base, state: 'firing', reason: null }, change: wasFiring ? 'refreshed' : 'fired' };
}
