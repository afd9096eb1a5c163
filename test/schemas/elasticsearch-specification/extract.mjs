#!/usr/bin/env node
/**
 * Cuts the part of the Elasticsearch specification's OpenAPI document (elastic/elasticsearch-specification,
 * output/openapi/elasticsearch-openapi.json, several megabytes) that Vigil's deploy/elasticsearch files
 * need: the request bodies of the three PUTs they are sent with, and every schema those reach through
 * `$ref`. Run by hand against a downloaded copy; the test reads only the result, so it needs no network.
 *
 *   node test/schemas/elasticsearch-specification/extract.mjs <elasticsearch-openapi.json> <commit> \
 *     > test/schemas/elasticsearch-specification/elasticsearch-requests.openapi.json
 *
 * Everything kept is copied unchanged, so any part can be compared with the source at <commit>.
 */
import { readFileSync } from 'node:fs';

/** The requests Vigil's files are the bodies of (docs/retention-spec.md): path and method. */
const REQUESTS = [
  ['/_ilm/policy/{policy}', 'put'],
  ['/_component_template/{name}', 'put'],
  ['/_index_template/{name}', 'put'],
];

const [source, commit] = process.argv.slice(2);
if (!source || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
  console.error('usage: extract.mjs <elasticsearch-openapi.json> <40-hex commit it was taken from>');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(source, 'utf8'));

const requestBodies = {};
const schemas = {};

/** Follows every `$ref` below `node` into components, copying each component reached once. */
function follow(node) {
  if (Array.isArray(node)) return node.forEach(follow);
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') copy(value);
    else follow(value);
  }
}

function copy(ref) {
  const match = /^#\/components\/(schemas|requestBodies)\/([^/]+)$/.exec(ref);
  // A reference to anything else (parameters, responses) would have to be copied too: stop rather than vendor a dangling one.
  if (!match) throw new Error(`unexpected reference ${ref}`);
  const [, kind, name] = match;
  const into = kind === 'schemas' ? schemas : requestBodies;
  if (name in into) return;
  const component = spec.components[kind][name];
  if (component === undefined) throw new Error(`${ref} is not in ${source}`);
  into[name] = component;
  follow(component);
}

const paths = {};
for (const [path, method] of REQUESTS) {
  const operation = spec.paths[path]?.[method];
  if (!operation?.requestBody) throw new Error(`${method.toUpperCase()} ${path} has no request body in ${source}`);
  paths[path] = { [method]: { operationId: operation.operationId, requestBody: operation.requestBody } };
  follow(operation.requestBody);
}

const sorted = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
const subset = {
  openapi: spec.openapi,
  info: {
    ...spec.info,
    'x-extracted-from': {
      repository: 'https://github.com/elastic/elasticsearch-specification',
      path: 'output/openapi/elasticsearch-openapi.json',
      commit,
      requests: REQUESTS.map(([path, method]) => `${method.toUpperCase()} ${path}`),
      by: 'test/schemas/elasticsearch-specification/extract.mjs',
    },
  },
  paths,
  components: { requestBodies: sorted(requestBodies), schemas: sorted(schemas) },
};
process.stdout.write(`${JSON.stringify(subset, null, 2)}\n`);
console.error(`${Object.keys(requestBodies).length} request bodies, ${Object.keys(schemas).length} schemas`);
