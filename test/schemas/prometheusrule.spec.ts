import { parseAllDocuments } from 'yaml';
import { consumerOutputs } from '../support/consumer-outputs.js';
import { crdValidator, schemaErrors } from '../support/schema-validator.js';

/**
 * Every PrometheusRule Vigil writes, judged by prometheus-operator's own CRD schema (the one the
 * API server validates against, vendored in test/schemas/prometheus-operator) and by the
 * metadata rules the API server applies to every object (test/schemas/kubernetes).
 * Files are read as Kubernetes reads them: YAML 1.1, where an unquoted `yes` is a boolean.
 */
const validate = crdValidator('test/schemas/prometheus-operator/monitoring.coreos.com_prometheusrules.yaml', 'test/schemas/kubernetes/object-meta.schema.json');

const outputs = await consumerOutputs(/^rules\/.*\.prometheusrule\.yaml$/);

type Obj = Record<string, any>;

function objectsOf(content: string): Obj[] {
  return parseAllDocuments(content, { version: '1.1' }).map((d) => d.toJS() as Obj);
}

// One object to break in every way below: the first of a committed file, with namespace and labels.
const sample = objectsOf(outputs.find((o) => o.name === 'committed rules/redis.prometheusrule.yaml')!.content)[0]!;
const firstAlert = (o: Obj): Obj => o.spec.groups.flatMap((g: Obj) => g.rules).find((r: Obj) => r.alert);

describe('every generated PrometheusRule is valid for the prometheus-operator CRD and Kubernetes', () => {
  it('judges committed outputs, every fixture and a service split over several objects', () => {
    const sources = new Set(outputs.map((o) => o.name.replace(/:.*| rules\/.*/, '')));
    expect([...sources].sort()).toEqual(['committed', 'golden drills', 'golden native-kinds', 'golden native-ratio', 'golden openslo', 'golden sloth', 'limits', 'promtool fixtures']);
    expect(Math.max(...outputs.map((o) => objectsOf(o.content).length))).toBeGreaterThan(1);
  });

  it.each(outputs.map((o) => [o.name, o.content]))('%s', (_name, content) => {
    const objects = objectsOf(content);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(schemaErrors(validate, object)).toEqual([]);
  });
});

describe('the schemas refuse what the API server refuses', () => {
  it('accepts the untouched sample', () => {
    expect(schemaErrors(validate, sample)).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, RegExp]>([
    ['a `for:` that is a number, not a duration string', (o) => (firstAlert(o).for = 300), /\/for must be string/],
    ['a `for:` in a unit Prometheus does not have', (o) => (firstAlert(o).for = '5 minutes'), /\/for must match pattern/],
    ['a field the rule schema does not define', (o) => (firstAlert(o).severity = 'page'), /must NOT have additional properties \(severity\)/],
    ['an unknown top-level field', (o) => (o.status2 = {}), /^\/ must NOT have additional properties \(status2\)/],
    ['an `expr` that is neither string nor integer', (o) => (firstAlert(o).expr = 0.5), /\/expr must pass "x-kubernetes-int-or-string"/],
    ['a rule without `expr`', (o) => delete firstAlert(o).expr, /must have required property 'expr'/],
    ['two groups with the same name', (o) => o.spec.groups.push({ ...o.spec.groups[0] }), /\/spec\/groups must pass "x-kubernetes-list-map-keys"/],
    ['a partial_response_strategy other than abort or warn', (o) => (o.spec.groups[0].partial_response_strategy = 'ignore'), /partial_response_strategy must match pattern/],
    ['a label value of 64 characters', (o) => (o.metadata.labels['app.kubernetes.io/part-of'] = 'a'.repeat(64)), /\/metadata\/labels\/app.kubernetes.io~1part-of must NOT have more than 63 characters/],
    ['a label value with a space', (o) => (o.metadata.labels.release = 'kube prometheus'), /\/metadata\/labels\/release must match pattern/],
    ['a label value that YAML 1.1 reads as a boolean', (o) => (o.metadata.labels = objectsOf('enabled: yes')[0]), /\/metadata\/labels\/enabled must be string/],
    ['a label key with two slashes', (o) => (o.metadata.labels['example.com/a/b'] = 'x'), /\/metadata\/labels property name must be valid/],
    ['a label key whose name part is longer than 63', (o) => (o.metadata.labels[`example.com/${'k'.repeat(64)}`] = 'x'), /property name must be valid/],
    ['a name with an underscore', (o) => (o.metadata.name = 'vigil-payments_v2'), /\/metadata\/name must match pattern/],
    ['a name of 254 characters', (o) => (o.metadata.name = 'a'.repeat(254)), /\/metadata\/name must NOT have more than 253 characters/],
    ['a namespace with a dot (a DNS label, not a subdomain)', (o) => (o.metadata.namespace = 'team.monitoring'), /\/metadata\/namespace must match pattern/],
    ['no metadata.name', (o) => delete o.metadata.name, /\/metadata must have required property 'name'/],
  ])('refuses %s', (_case, breakIt, message) => {
    const broken = structuredClone(sample);
    breakIt(broken);
    expect(schemaErrors(validate, broken).join('\n')).toMatch(message);
  });

  it.each([['Abort'], ['warn'], ['']])('accepts partial_response_strategy %p, the CRD pattern being case-insensitive', (value) => {
    const object = structuredClone(sample);
    object.spec.groups[0].partial_response_strategy = value;
    expect(schemaErrors(validate, object)).toEqual([]);
  });
});
