import type { SpecInput } from '../../src/core/definitions/load-specs.js';

/**
 * Specs that push PrometheusRule objects to Kubernetes' limits: a service with `slos` SLOs (40 do
 * not fit one object under kubectl apply's annotation limit) and an Outputs spec giving a
 * namespace and labels, one of them prefixed.
 */

/** A service spec with `slos` request-availability SLOs, one per route. */
export function service(name: string, slos: number): SpecInput {
  const items = Array.from({ length: slos }, (_, i) =>
    [
      `  - name: route-${String(i).padStart(2, '0')}-availability`,
      `    description: Share of requests to route ${i} answered without a 5xx.`,
      '    objective: 99.9',
      '    sli:',
      '      events:',
      `        errorQuery: http_requests_total{service="${name}",route="/api/v1/resource-${i}",code=~"5.."}`,
      `        totalQuery: http_requests_total{service="${name}",route="/api/v1/resource-${i}"}`,
    ].join('\n'),
  );
  return { path: `slos/${name}.yaml`, text: `apiVersion: vigil/v1\nservice: ${name}\nslos:\n${items.join('\n')}\n` };
}

export const OUTPUTS: SpecInput = {
  path: 'slos/outputs.yaml',
  text: 'apiVersion: vigil/v1\nkind: Outputs\nprometheusRule:\n  namespace: monitoring\n  labels:\n    release: kube-prometheus-stack\n    example.com/team: sre\n',
};
