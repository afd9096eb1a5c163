import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { parse, parseAllDocuments } from 'yaml';
import { HealthController } from '../../src/modules/health/health.controller.js';
import { kubernetesApiValidators } from '../support/kubernetes-schema.js';
import { crdValidator, schemaErrors, type SchemaCorrection } from '../support/schema-validator.js';
import { envOf, parseContainerfile, stage } from '../ship/containerfile.js';

/**
 * deploy/kubernetes as kubectl renders it (its kustomize, offline; no cluster runs here), every
 * object judged by the schema the API server would judge it by: Kubernetes' OpenAPI document for
 * the built-in kinds (test/schemas/kubernetes, release 1.32, the kubectl here), prometheus-operator's
 * CRDs for PrometheusRule and ServiceMonitor, and Kubernetes' metadata rules for all.
 */
const OVERLAY = 'deploy/kubernetes/overlays/example';
const OBJECT_META = 'test/schemas/kubernetes/object-meta.schema.json';
/**
 * Kubernetes' OpenAPI v2 document gives two types as plain strings that the API server also takes
 * as numbers (their Go types unmarshal both): IntOrString (a Service's `targetPort: 3000`) and
 * Quantity (`cpu: 1`). Listed in test/schemas/kubernetes/README.md.
 */
const CORRECTIONS: SchemaCorrection[] = [
  { file: 'kubernetes', path: ['definitions', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString'], to: { 'x-kubernetes-int-or-string': true }, why: 'intstr.IntOrString.UnmarshalJSON' },
  { file: 'kubernetes', path: ['definitions', 'io.k8s.apimachinery.pkg.api.resource.Quantity'], to: { type: ['string', 'number'] }, why: 'resource.Quantity.UnmarshalJSON' },
];
const builtIn = kubernetesApiValidators('test/schemas/kubernetes/kubernetes-api.swagger.json', OBJECT_META, CORRECTIONS);
const CRDS: Record<string, ReturnType<typeof crdValidator>> = {
  'monitoring.coreos.com/v1 PrometheusRule': crdValidator('test/schemas/prometheus-operator/monitoring.coreos.com_prometheusrules.yaml', OBJECT_META),
  'monitoring.coreos.com/v1 ServiceMonitor': crdValidator('test/schemas/prometheus-operator/monitoring.coreos.com_servicemonitors.yaml', OBJECT_META),
};

type Obj = Record<string, any>;

function render(dir: string): Obj[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}

function objectErrors(o: Obj): string[] {
  const key = `${o.apiVersion} ${o.kind}`;
  return schemaErrors(CRDS[key] ?? builtIn(o.apiVersion, o.kind), o);
}

const objects = render(OVERLAY);
const only = (kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)));
  if (found.length !== 1) throw new Error(`${found.length} ${kind} ${name ?? ''} in the render`);
  return found[0]!;
};
const deployment = only('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers.find((c: Obj) => c.name === 'vigil');
const files = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext)).sort();
const committedRules = files('rules', '.prometheusrule.yaml').flatMap((f) => parseAllDocuments(readFileSync(`rules/${f}`, 'utf8'), { version: '1.1' }).map((d) => d.toJS() as Obj));

describe(`every object of ${OVERLAY} is valid for the API server`, () => {
  it('renders Vigil, its specs, the generated rules and dashboards and the Alertmanager config, all in one namespace', () => {
    const kinds: Record<string, number> = {};
    for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    expect(kinds).toEqual({
      ConfigMap: 1 + files('dashboards', '.json').length,
      Deployment: 1,
      NetworkPolicy: 1,
      PodDisruptionBudget: 1,
      PrometheusRule: committedRules.length,
      Secret: 1,
      Service: 1,
      ServiceAccount: 1,
      ServiceMonitor: 1,
    });
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['monitoring']));
  });

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o]))('%s', (_name, o) => {
    expect(objectErrors(o)).toEqual([]);
  });

  it('renders the base alone as valid objects too, without a namespace', () => {
    const base = render('deploy/kubernetes/base');
    expect(base.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceMonitor']);
    for (const o of base) expect({ object: `${o.kind} ${o.metadata.name}`, namespace: o.metadata.namespace, errors: objectErrors(o) }).toEqual({ object: `${o.kind} ${o.metadata.name}`, namespace: undefined, errors: [] });
  });

  it('keeps every object under the 256 KiB that client-side `kubectl apply` can annotate', () => {
    const big = objects.filter((o) => JSON.stringify(o).length >= 256 * 1024).map((o) => `${o.kind} ${o.metadata.name}`);
    expect(big).toEqual([]);
  });
});

describe('the Deployment', () => {
  const image = parseContainerfile(readFileSync('Containerfile', 'utf8'));
  const runtime = stage(image, 'runtime');

  it('runs two replicas, with the restricted security context, as the image user, on a read-only root filesystem', () => {
    expect(deployment.spec.replicas).toBe(2);
    const [uid, gid] = runtime.instructions.find((i) => i.op === 'USER')!.args.split(':').map(Number);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('probes readiness on the readiness endpoint and liveness and start-up on the liveness endpoint, on the image port', () => {
    const route = (handler: object) => `/${Reflect.getMetadata(PATH_METADATA, handler) as string}`;
    const probe = (p: Obj) => ({ path: p.httpGet.path, port: container.ports.find((x: Obj) => x.name === p.httpGet.port).containerPort });
    const port = Number(envOf(runtime).PORT);
    expect(probe(container.readinessProbe)).toEqual({ path: route(HealthController.prototype.ready), port });
    expect(probe(container.livenessProbe)).toEqual({ path: route(HealthController.prototype.live), port });
    expect(probe(container.startupProbe)).toEqual({ path: route(HealthController.prototype.live), port });
    expect(route(HealthController.prototype.ready)).toBe('/readyz');
  });

  it('sets requests and a memory limit', () => {
    expect(container.resources).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
  });

  it('writes only to emptyDir volumes, among them the folders the image writes to', () => {
    const volumes = new Map<string, Obj>(pod.volumes.map((v: Obj) => [v.name, v]));
    const writable = container.volumeMounts.filter((m: Obj) => !m.readOnly);
    for (const m of writable) expect({ mount: m.mountPath, emptyDir: Boolean(volumes.get(m.name)?.emptyDir) }).toEqual({ mount: m.mountPath, emptyDir: true });
    const env = Object.fromEntries(container.env.filter((e: Obj) => 'value' in e).map((e: Obj) => [e.name, e.value]));
    for (const dir of [env.VIGIL_OUT_DIR, env.VIGIL_DATA_DIR, '/tmp']) {
      expect({ dir, under: writable.some((m: Obj) => `${dir}/`.startsWith(`${m.mountPath}/`)) }).toEqual({ dir, under: true });
    }
    expect(volumes.get('specs')!.configMap.name).toBe(only('ConfigMap', 'vigil-specs').metadata.name);
    expect(container.volumeMounts.find((m: Obj) => m.name === 'specs').mountPath).toBe(env.VIGIL_SLOS_DIR);
  });
});

describe('what the render carries from the repository', () => {
  it('mounts every spec of slos/ unchanged', () => {
    const specs = only('ConfigMap', 'vigil-specs');
    expect(Object.keys(specs.data).sort()).toEqual(files('slos', '.yaml'));
    for (const f of files('slos', '.yaml')) expect(specs.data[f]).toBe(readFileSync(`slos/${f}`, 'utf8'));
  });

  it('includes every generated PrometheusRule unchanged', () => {
    const rendered = objects.filter((o) => o.kind === 'PrometheusRule').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(rendered).toEqual([...committedRules].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)));
  });

  it('includes every generated dashboard unchanged, labelled for the Grafana sidecar', () => {
    const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    const byFile = Object.fromEntries(dashboards.flatMap((d) => Object.entries(d.data as Record<string, string>)));
    expect(Object.keys(byFile).sort()).toEqual(files('dashboards', '.json'));
    for (const [f, json] of Object.entries(byFile)) expect(json).toBe(readFileSync(`dashboards/${f}`, 'utf8'));
  });
});

/** Alertmanager fields that hold a credential inline; each has a `_file` form (its configuration docs). */
const INLINE_CREDENTIALS = new Set(['api_key', 'api_url', 'auth_password', 'auth_secret', 'bearer_token', 'credentials', 'password', 'routing_key', 'service_key', 'token']);
function inlineCredentials(node: unknown, at = ''): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => inlineCredentials(n, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => [...(INLINE_CREDENTIALS.has(k) ? [`${at}/${k}`] : []), ...inlineCredentials(v, `${at}/${k}`)]);
}

describe('secrets are referenced, never committed', () => {
  const secretNames = (o: Obj) => [
    ...o.spec.template.spec.volumes.filter((v: Obj) => v.secret).map((v: Obj) => v.secret.secretName),
    ...o.spec.template.spec.containers.flatMap((c: Obj) => c.env ?? []).filter((e: Obj) => e.valueFrom?.secretKeyRef).map((e: Obj) => e.valueFrom.secretKeyRef.name),
  ];

  it('renders one Secret, the Alertmanager config: the generated file, which names credential files and holds none', () => {
    const secret = only('Secret');
    expect(secret.metadata.name).toBe('alertmanager-vigil');
    expect(Object.keys(secret.data)).toEqual(['alertmanager.yaml']);
    const config = Buffer.from(secret.data['alertmanager.yaml'], 'base64').toString('utf8');
    expect(config).toBe(readFileSync('deploy/alertmanager/alertmanager.yml', 'utf8'));
    expect(inlineCredentials(parse(config))).toEqual([]);
  });

  it('takes DATABASE_URL and every other secret from Secrets it does not render, each created by a command in deploy/README.md', () => {
    const referenced = [...new Set(secretNames(deployment))].sort();
    expect(referenced).toEqual(['vigil-admin-token', 'vigil-database', 'vigil-sinks']);
    expect(referenced.filter((n) => objects.some((o) => o.kind === 'Secret' && o.metadata.name === n))).toEqual([]);
    expect(container.env.find((e: Obj) => e.name === 'DATABASE_URL')).toEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'vigil-database', key: 'url' } } });
    const readme = readFileSync('deploy/README.md', 'utf8');
    for (const name of [...referenced, 'alertmanager-secrets']) expect(readme).toMatch(new RegExp(`kubectl (-n \\S+ )?create secret generic ${name} `));
  });

  it('finds an inline credential where one is', () => {
    expect(inlineCredentials({ receivers: [{ pagerduty_configs: [{ routing_key: 'x', routing_key_file: '/f' }] }] })).toEqual(['/receivers/0/pagerduty_configs/0/routing_key']);
  });
});

describe('the schemas refuse what the API server refuses', () => {
  const broken = (kind: string, change: (o: Obj) => void) => {
    const o = structuredClone(only(kind));
    change(o);
    return objectErrors(o).join('\n');
  };
  const vigil = (o: Obj) => o.spec.template.spec.containers[0];

  it.each<[string, string, (o: Obj) => void, RegExp]>([
    ['a replica count that is a string', 'Deployment', (o) => (o.spec.replicas = '2'), /^\/spec\/replicas must be integer$/m],
    ['a container without a name', 'Deployment', (o) => delete vigil(o).name, /\/spec\/template\/spec\/containers\/0 must have required property 'name'/],
    ['a misspelt container field', 'Deployment', (o) => (vigil(o).readinesProbe = vigil(o).readinessProbe), /containers\/0 must NOT have additional properties \(readinesProbe\)/],
    ['capabilities dropped as a string, not a list', 'Deployment', (o) => (vigil(o).securityContext.capabilities.drop = 'ALL'), /capabilities\/drop must be array/],
    ['a probe port that is neither a number nor a name', 'Deployment', (o) => (vigil(o).readinessProbe.httpGet.port = true), /readinessProbe\/httpGet\/port must pass "x-kubernetes-int-or-string"/],
    ['two containers named alike (a keyed list)', 'Deployment', (o) => o.spec.template.spec.containers.push(vigil(o)), /\/spec\/template\/spec\/containers must pass "x-kubernetes-list-map-keys"/],
    ['a memory limit that is a list', 'Deployment', (o) => (vigil(o).resources.limits.memory = ['512Mi']), /limits\/memory must be string,number/],
    ['a name with capitals', 'Service', (o) => (o.metadata.name = 'Vigil'), /\/metadata\/name must match pattern/],
    ['a Service port given as a string', 'Service', (o) => (o.spec.ports[0].port = '3000'), /\/spec\/ports\/0\/port must be integer/],
    ['a PodDisruptionBudget selector that is a string', 'PodDisruptionBudget', (o) => (o.spec.selector = 'app=vigil'), /\/spec\/selector must be object/],
    ['a NetworkPolicy rule with a field of another API', 'NetworkPolicy', (o) => (o.spec.egress[0].toFQDNs = [{ matchName: 'events.pagerduty.com' }]), /must NOT have additional properties \(toFQDNs\)/],
    ['a ServiceMonitor interval that is a number', 'ServiceMonitor', (o) => (o.spec.endpoints[0].interval = 30), /\/spec\/endpoints\/0\/interval must be string/],
    ['a ServiceMonitor interval in a unit Prometheus lacks', 'ServiceMonitor', (o) => (o.spec.endpoints[0].interval = '30 seconds'), /\/spec\/endpoints\/0\/interval must match pattern/],
    ['a label value of 64 characters', 'Secret', (o) => (o.metadata.labels = { grafana_dashboard: 'x'.repeat(64) }), /must NOT have more than 63 characters/],
  ])('refuses %s', (_case, kind, change, error) => {
    expect(broken(kind, change)).toMatch(error);
  });

  it('refuses a kind it has no schema for, rather than passing it', () => {
    expect(() => broken('Deployment', (o) => (o.apiVersion = 'apps/v1beta1'))).toThrow('no schema for apps/v1beta1 Deployment');
    expect(schemaErrors(builtIn('apps/v1', 'Deployment'), { ...only('Deployment'), kind: 'StatefulSet' })).toEqual(['/kind must be equal to constant']);
  });

  it('accepts a targetPort and a CPU request given as numbers, as the API server does', () => {
    expect(broken('Service', (o) => (o.spec.ports[0].targetPort = 3000))).toBe('');
    expect(broken('Deployment', (o) => (vigil(o).resources.requests.cpu = 1))).toBe('');
  });
});
