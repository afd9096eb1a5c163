#!/usr/bin/env node
/**
 * Cuts the part of Kubernetes' OpenAPI v2 document (api/openapi-spec/swagger.json of a release,
 * 3.3 MB) that deploy/kubernetes renders: the definitions of the kinds below and every definition
 * they reach through `$ref`. Run by hand against a downloaded copy; the test reads only the
 * result, so it needs no network.
 *
 *   node test/schemas/kubernetes/extract.mjs <swagger.json> <release> <source> \
 *     > test/schemas/kubernetes/kubernetes-api.swagger.json
 *
 * Everything kept is copied unchanged, so any part can be compared with the source.
 */
import { readFileSync } from 'node:fs';

/** The kinds deploy/kubernetes renders (besides prometheus-operator's, judged by their CRDs). */
const KINDS = [
  'io.k8s.api.apps.v1.Deployment',
  'io.k8s.api.core.v1.ConfigMap',
  'io.k8s.api.core.v1.Secret',
  'io.k8s.api.core.v1.Service',
  'io.k8s.api.core.v1.ServiceAccount',
  'io.k8s.api.networking.v1.NetworkPolicy',
  'io.k8s.api.policy.v1.PodDisruptionBudget',
];

const [file, release, source] = process.argv.slice(2);
if (!file || !release || !source) {
  console.error('usage: extract.mjs <swagger.json> <release, e.g. v1.32> <where it came from: repository, path, commit>');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(file, 'utf8'));
const definitions = {};

function follow(node) {
  if (Array.isArray(node)) return node.forEach(follow);
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') copy(value.replace(/^#\/definitions\//, ''));
    else follow(value);
  }
}

function copy(name) {
  if (name in definitions) return;
  const definition = spec.definitions[name];
  if (definition === undefined) throw new Error(`#/definitions/${name} is not in ${file}`);
  definitions[name] = definition;
  follow(definition);
}

for (const kind of KINDS) copy(kind);

const sorted = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
const subset = {
  swagger: spec.swagger,
  info: { ...spec.info, 'x-extracted-from': { release, source, kinds: KINDS, by: 'test/schemas/kubernetes/extract.mjs' } },
  definitions: sorted(definitions),
};
process.stdout.write(`${JSON.stringify(subset, null, 2)}\n`);
console.error(`${Object.keys(definitions).length} definitions`);
