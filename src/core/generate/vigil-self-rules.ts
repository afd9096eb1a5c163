import type { RoutingSpec } from '../model/routing.js';
import { ruleFilePair, type GeneratedFile } from './rule-files.js';
import type { OutputsSpec } from '../model/outputs.js';
import type { RuleGroup } from './rule-model.js';

/**
 * Alerts about Vigil itself. With a routing spec Vigil is the fleet's pager (every alert goes to
 * its webhook), so the one thing it cannot page about is its own absence: VigilDown is routed by
 * Alertmanager straight to PagerDuty (slos/routing.yaml, docs/routing-spec.md "Who pages what").
 */
export const VIGIL_SELF = {
  /** The scrape job of Vigil's /metrics (the ServiceMonitor's Service name). */
  job: 'vigil',
  /** Long enough for a rolling restart of one replica, short enough to page well inside the 5-minute response goal. */
  downFor: '2m',
  runbook: 'runbooks/vigil.md#vigildown',
  file: 'vigil-self',
} as const;

export function vigilSelfRuleGroups(): RuleGroup[] {
  const up = `up{job="${VIGIL_SELF.job}"}`;
  return [
    {
      name: 'vigil-self',
      rules: [
        {
          alert: 'VigilDown',
          // `max by (job)` pages only when no replica is up (one answering replica still takes
          // every webhook) and gives both arms the same labels, so the alert keeps its pending
          // time when the down targets drop out of service discovery and `absent` takes over.
          expr: `max by (job) (${up}) == 0 or absent(${up})`,
          for: VIGIL_SELF.downFor,
          labels: { service: 'vigil', severity: 'critical' },
          annotations: {
            summary: 'Vigil is down or not scraped: it cannot page anyone about any other alert',
            description:
              `No target of job "${VIGIL_SELF.job}" is up (or none is scraped) for ${VIGIL_SELF.downFor}. ` +
              'Alertmanager sends every other alert to Vigil, which pages people; while Vigil is down those ' +
              'notifications are only retried by Alertmanager and nobody is paged for them.',
            runbook_url: VIGIL_SELF.runbook,
          },
        },
      ],
    },
  ];
}

/** rules/vigil-self.rules.yaml and its PrometheusRule, for a fleet that routes its alerts through Vigil. */
export function vigilSelfRuleFiles(routing: RoutingSpec | undefined, outputs?: Omit<OutputsSpec, 'file'>): GeneratedFile[] {
  if (!routing) return [];
  return ruleFilePair(VIGIL_SELF.file, [routing.file], vigilSelfRuleGroups(), { name: 'vigil-self', partOf: 'vigil' }, outputs);
}
