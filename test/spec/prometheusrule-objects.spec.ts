import { parseAllDocuments } from 'yaml';
import { compile } from '../../src/core/compile.js';
import { MAX_OBJECT_JSON_BYTES } from '../../src/core/generate/rule-files.js';
import { isLabelValue, isObjectName } from '../../src/core/generate/kubernetes-names.js';
import { OUTPUTS, service } from '../support/prometheusrule-specs.js';

/**
 * PrometheusRule objects as Kubernetes takes them: names and label values it accepts, the
 * namespace and labels of the Outputs spec (kube-prometheus-stack's ruleSelector), and no object
 * past the 256 KiB `kubectl apply` keeps in its last-applied annotation.
 */

/** What the API server allows for all of an object's annotations together. */
const ANNOTATIONS_LIMIT = 262_144;

function objects(files: readonly { path: string; content: string }[], name: string) {
  const file = files.find((f) => f.path === `rules/${name}.prometheusrule.yaml`)!;
  return { text: file.content, docs: parseAllDocuments(file.content).map((d) => d.toJS() as { metadata: { name: string; namespace?: string; labels: Record<string, string> }; spec: { groups: { name: string }[] } }) };
}

it('spreads a 40-SLO service over objects each small enough for kubectl apply, keeping every group once and in order', () => {
  const { files, diagnostics } = compile([service('checkout', 40), OUTPUTS]);
  expect(diagnostics).toEqual([]);
  const { docs } = objects(files, 'checkout');
  const plain = parseAllDocuments(files.find((f) => f.path === 'rules/checkout.rules.yaml')!.content)[0]!.toJS() as { groups: { name: string }[] };
  // In one object it would not fit: that is the case this test is about.
  expect(Buffer.byteLength(JSON.stringify({ ...docs[0], spec: { groups: plain.groups } }))).toBeGreaterThan(ANNOTATIONS_LIMIT);
  expect(docs.length).toBeGreaterThanOrEqual(2);
  for (const d of docs) expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThanOrEqual(MAX_OBJECT_JSON_BYTES);
  expect(docs.map((d) => d.metadata.name)).toEqual(['vigil-checkout', ...docs.slice(1).map((_, i) => `vigil-checkout-${i + 2}`)]);
  expect(docs.flatMap((d) => d.spec.groups)).toEqual(plain.groups);
  for (const d of docs) {
    expect(d.metadata.namespace).toBe('monitoring');
    expect(d.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'vigil', 'app.kubernetes.io/part-of': 'checkout', 'example.com/team': 'sre', release: 'kube-prometheus-stack' });
  }
});

it('without an Outputs spec, one object per service with no namespace and Vigil’s labels only', () => {
  const { files } = compile([service('search', 2)]);
  const { docs } = objects(files, 'search');
  expect(docs).toHaveLength(1);
  expect(docs[0]!.metadata).toEqual({ name: 'vigil-search', labels: { 'app.kubernetes.io/managed-by': 'vigil', 'app.kubernetes.io/part-of': 'search' } });
});

it.each([
  ['a_b', 'a-b'],
  ['payments_v2', 'payments-v2'],
])('service names Kubernetes refuses are mapped to valid, distinct object names: %s and %s', (odd, plain) => {
  const { files, diagnostics } = compile([service(odd, 1), service(plain, 1)]);
  expect(diagnostics).toEqual([]);
  const a = objects(files, odd).docs[0]!.metadata;
  const b = objects(files, plain).docs[0]!.metadata;
  expect(b.name).toBe(`vigil-${plain}`);
  expect(isObjectName(a.name)).toBe(true);
  expect(a.name).not.toBe(b.name);
  expect(a.name).toMatch(new RegExp(`^vigil-${plain}-[0-9a-f]{8}$`));
  expect(a.labels['app.kubernetes.io/part-of']).toBe(odd); // `_` is fine in a label value
});

it('a service name longer than a label value allows is shortened there, distinctly and stably', () => {
  const long = (tail: string) => `a-very-long-service-name-for-a-team-that-likes-to-be-descriptive-${tail}`;
  const { files, diagnostics } = compile([service(long('one'), 1), service(long('two'), 1)]);
  expect(diagnostics).toEqual([]);
  const values = [long('one'), long('two')].map((n) => objects(files, n).docs[0]!.metadata.labels['app.kubernetes.io/part-of']!);
  for (const v of values) expect(isLabelValue(v)).toBe(true);
  expect(new Set(values).size).toBe(2);
  // Stable: a service's mapped value does not depend on which other services the fleet holds.
  const alone = objects(compile([service(long('one'), 1)]).files, long('one')).docs[0]!.metadata.labels['app.kubernetes.io/part-of'];
  expect(alone).toBe(values[0]);
});
