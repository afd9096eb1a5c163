import { check } from '../core/check.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { OnCallSpec } from '../core/model/oncall.js';
import type { PolicySnapshot, Urgency } from '../core/model/page-target.js';
import type { Labels } from '../core/oncall/label-matcher.js';
import { snapshotPolicy } from '../core/oncall/policy-snapshot.js';
import { maintenanceFor, routeFor, urgencyFor } from '../core/oncall/route-decision.js';
import type { SpecFiles } from '../core/ports/spec-files.js';

/**
 * "Who would be paged for this alert, now?": `vigil route test k=v …` and, later,
 * `POST /api/routes/test`. The answer is plain JSON so both print or send it as it is.
 */
export interface RouteTestResult {
  /** The instant schedules were resolved at, ISO. */
  readonly at: string;
  readonly labels: Labels;
  readonly route: string;
  readonly policy: string;
  readonly matchedBy: readonly string[];
  readonly urgency: Urgency;
  /** The window that would suppress the alert (nobody paged), or null. */
  readonly maintenance: { readonly name: string; readonly from: string; readonly to: string } | null;
  /** Who would be paged, level by level, were the alert not suppressed. */
  readonly snapshot: PolicySnapshot;
}

export function testRoute(spec: OnCallSpec, labels: Labels, at: Date): RouteTestResult {
  const decision = routeFor(spec, labels);
  const urgency = urgencyFor(spec, labels);
  const window = maintenanceFor(spec, labels, at);
  return {
    at: at.toISOString(),
    labels: { ...labels },
    route: decision.route,
    policy: decision.policy,
    matchedBy: decision.matchedBy,
    urgency,
    maintenance: window ? { name: window.name, from: window.from.toISOString(), to: window.to.toISOString() } : null,
    snapshot: snapshotPolicy(spec, decision.route, decision.policy, urgency, at),
  };
}

export type RouteTestOutcome =
  | { readonly result: RouteTestResult }
  /** The specs have problems, or hold no OnCall spec: nothing can be answered. */
  | { readonly problems: readonly Diagnostic[]; readonly missing?: true }
  | { readonly ioError: { readonly path: string; readonly message: string } };

/** Reads and checks the specs in `slosDir`, then answers for `labels` at `at`. */
export async function routeTestFromSpecs(files: SpecFiles, req: { readonly slosDir: string; readonly labels: Labels; readonly at: Date }): Promise<RouteTestOutcome> {
  let inputs;
  try {
    inputs = await files.read(req.slosDir);
  } catch (err) {
    return { ioError: { path: req.slosDir, message: `cannot read specs: ${(err as Error).message}` } };
  }
  const checked = check(inputs);
  if (checked.diagnostics.length > 0) return { problems: checked.diagnostics };
  if (!checked.oncall) return { problems: [], missing: true };
  return { result: testRoute(checked.oncall, req.labels, req.at) };
}
