import type { MaintenanceWindow, OnCallSpec } from '../model/oncall.js';
import type { Urgency } from '../model/page-target.js';
import { formatMatcher, matchesAll, type Labels } from './label-matcher.js';

/** Which route takes an alert, whether a maintenance window silences it, and how urgent it is. */

/** Route name of alerts no route matches; an incident's identity includes it, so no route may take it. */
export const DEFAULT_ROUTE = 'default';

export interface RouteDecision {
  /** The route's name, or `default` when none matched: part of the incident's identity. */
  readonly route: string;
  readonly policy: string;
  /** The matchers that held, as Alertmanager prints them; empty for `default` or a catch-all route. */
  readonly matchedBy: readonly string[];
}

/** First match wins, as in Alertmanager without `continue`: one alert, one incident, one policy. */
export function routeFor(spec: OnCallSpec, labels: Labels): RouteDecision {
  const route = spec.routes.find((r) => matchesAll(r.matchers, labels));
  if (!route) return { route: DEFAULT_ROUTE, policy: spec.defaultPolicy, matchedBy: [] };
  return { route: route.name, policy: route.policy, matchedBy: route.matchers.map(formatMatcher) };
}

/** The first window, in spec order, covering `at` (from inclusive, to exclusive) whose matchers hold. */
export function maintenanceFor(spec: OnCallSpec, labels: Labels, at: Date): MaintenanceWindow | undefined {
  const t = at.getTime();
  return spec.maintenance.find((w) => w.from.getTime() <= t && t < w.to.getTime() && matchesAll(w.matchers, labels));
}

/** Low when the alert's `severity` is one the spec calls low urgency: notified, never escalated. */
export function urgencyFor(spec: OnCallSpec, labels: Labels): Urgency {
  const severity = labels.severity;
  return severity !== undefined && spec.incidents.lowUrgencySeverities.includes(severity) ? 'low' : 'high';
}
