import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

/**
 * ajv set up to judge objects by their consumers' published schemas (test/schemas/…):
 * Kubernetes CRD schemas (OpenAPI v3 with `x-kubernetes-*` extensions and Go regular
 * expressions), the Grafana foundation SDK's draft-07 JSON schemas, and the request bodies of
 * the Elasticsearch specification's OpenAPI 3.0 document.
 */

type Json = Record<string, unknown>;

/**
 * Go's RE2 allows flags inside a pattern (`^(?i)(abort|warn)?$` in the PrometheusRule CRD);
 * JavaScript wants them as flags. A leading `(?flags)`, after an optional `^`, becomes one.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  const inline = /^(\^?)\(\?([imsU]+)\)/.exec(pattern);
  if (!inline) return new RegExp(pattern, flags);
  return new RegExp(inline[1] + pattern.slice(inline[0].length), flags + inline[2]!.replace('U', ''));
}
goRegExp.code = 'goRegExp';

export function newAjv(): Ajv {
  // strict: false because both families of schemas carry keywords ajv does not know
  // (`x-kubernetes-*`, `description` siblings of `$ref`); the ones that constrain data are added below.
  const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp } });
  // ajv-formats is CommonJS: under nodenext its default import is module.exports, whose `default` is the plugin.
  ajvFormats.default(ajv);
  // OpenAPI's integer formats: the API server rejects a number that is not an integer.
  for (const name of ['int32', 'int64']) ajv.addFormat(name, { type: 'number', validate: Number.isInteger });
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    // The CRD gives `anyOf: [integer, string]` beside this marker, but a structural schema has no
    // `type` there, so the marker alone has to carry the constraint the API server applies.
    validate: (on: boolean, data: unknown) => !on || typeof data === 'string' || Number.isInteger(data),
    errors: false,
  });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    // A list of type map is keyed: the API server refuses two items with the same keys.
    validate: (keys: string[], data: unknown) => {
      if (!Array.isArray(data)) return true;
      const seen = data.map((item: Json) => JSON.stringify(keys.map((k) => item?.[k])));
      return new Set(seen).size === seen.length;
    },
    errors: false,
  });
  return ajv;
}

/**
 * A structural schema's object with `properties` knows all its fields: the API server's strict
 * field validation (kubectl's default since 1.27) refuses any other, unless the schema says
 * `x-kubernetes-preserve-unknown-fields`. JSON Schema allows them unless told otherwise.
 */
export function closeStructuralObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeStructuralObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closeStructuralObjects(v)]));
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

/** The version's openAPIV3Schema of a vendored CustomResourceDefinition, with metadata judged as the API server does. */
export function crdValidator(crdPath: string, objectMetaPath: string, version = 0): ValidateFunction {
  const crd = parseAllDocuments(readFileSync(crdPath, 'utf8'))
    .map((d) => d.toJS() as Json)
    .find((d) => d?.kind === 'CustomResourceDefinition') as { spec: { versions: { schema: { openAPIV3Schema: Json } }[] } };
  const schema = closeStructuralObjects(crd.spec.versions[version]!.schema.openAPIV3Schema) as Json & { properties: Json };
  const objectMeta = JSON.parse(readFileSync(objectMetaPath, 'utf8')) as Json;
  const ajv = newAjv();
  ajv.addSchema(objectMeta);
  return ajv.compile({ ...schema, required: [...((schema.required as string[]) ?? []), 'apiVersion', 'kind', 'metadata'], properties: { ...schema.properties, metadata: { $ref: objectMeta.$id } } });
}

/**
 * A vendored schema stricter than its consumer, put right where the consumer's own types say so:
 * `path` leads from the file's root to the schema that `to` replaces, `why` cites the evidence.
 */
export interface SchemaCorrection {
  readonly file: string;
  readonly path: readonly string[];
  readonly to: unknown;
  readonly why: string;
}

/** The schema file `path`, read as `id`, with the corrections meant for it applied. */
export function correctedSchema(id: string, path: string, corrections: readonly SchemaCorrection[]): Json {
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Json;
  for (const c of corrections.filter((c) => c.file === id)) {
    const parent = c.path.slice(0, -1).reduce<Json | undefined>((node, key) => node?.[key] as Json | undefined, schema);
    const key = c.path.at(-1)!;
    // A correction that no longer lands means upstream changed: look again rather than patch blindly.
    if (!parent || !(key in parent)) throw new Error(`correction ${id}:${c.path.join('/')} (${c.why}) finds nothing to correct`);
    parent[key] = c.to;
  }
  return schema;
}

/** One validator per definition asked for, over JSON schema files that each stand alone. */
export function jsonSchemaValidators(
  files: Record<string, string>,
  corrections: readonly SchemaCorrection[] = [],
): (file: string, definition?: string) => ValidateFunction {
  const ajv = newAjv();
  for (const [id, path] of Object.entries(files)) ajv.addSchema({ ...correctedSchema(id, path, corrections), $id: id } as AnySchema);
  return (file, definition) => {
    const ref = definition ? `${file}#/definitions/${definition}` : file;
    const validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema ${ref}`);
    return validate;
  };
}

/**
 * ajv reading OpenAPI 3.0 schemas (the Elasticsearch specification's). Strict, so a keyword ajv
 * does not know stops compilation instead of being skipped: each one that does not constrain a
 * request body is declared below with its reason, and a new one in a later spec has to be too.
 */
function openApiAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  // `nullable: true` (OpenAPI 3.0 for "null too") needs nothing: ajv reads it beside `type`.
  // Annotations: documentation links, and the release in which a field became available.
  ajv.addVocabulary(['externalDocs', 'x-state']);
  // `discriminator` names the property that picks one branch of the `oneOf` beside it. ajv's own
  // support refuses `mapping`, which every discriminator here has; it is left to `oneOf`, which
  // accepts the same branch because each branch pins that property to its mapping key
  // (assertDiscriminatorsPinned checks that for every discriminator when the file is loaded).
  ajv.addVocabulary(['discriminator']);
  return ajv;
}

type OpenApi = Json & { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };

/** The one-value enum a schema, through `$ref` and `allOf`, gives `property`, if any. */
function pinnedValue(doc: OpenApi, schema: Json, property: string): unknown {
  const resolved = typeof schema.$ref === 'string' ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]! : schema;
  const own = (resolved.properties as Record<string, Json> | undefined)?.[property]?.enum as unknown[] | undefined;
  if (own?.length === 1) return own[0];
  return ((resolved.allOf as Json[] | undefined) ?? []).map((s) => pinnedValue(doc, s, property)).find((v) => v !== undefined);
}

/**
 * A `oneOf` whose branches each pin the discriminator's property to their own mapping key accepts,
 * for data that has the property, exactly the branch the discriminator names.
 */
function assertDiscriminatorsPinned(doc: OpenApi): void {
  const visit = (node: unknown, at: string): void => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as Json & { discriminator?: { propertyName: string; mapping: Record<string, string> } };
    for (const [key, ref] of Object.entries(schema.discriminator?.mapping ?? {})) {
      const pinned = pinnedValue(doc, { $ref: ref }, schema.discriminator!.propertyName);
      if (pinned !== key) throw new Error(`${at}: discriminator maps "${key}" to ${ref}, which pins ${schema.discriminator!.propertyName} to ${String(pinned)}; oneOf alone no longer picks it`);
    }
    for (const [key, value] of Object.entries(schema)) visit(value, `${at}/${key}`);
  };
  visit(doc.components, '#/components');
}

export interface OpenApiRequestBody {
  readonly validate: ValidateFunction;
  /** The spec's own examples of the body, parsed (the spec keeps them as JSON text). */
  readonly examples: Record<string, unknown>;
}

/**
 * The JSON body of each request of an OpenAPI 3.0 file, `PUT /_ilm/policy/{policy}` for one, as
 * a validator that follows the file's `#/components/schemas/…` references.
 */
export function openApiRequestBodies(id: string, path: string, corrections: readonly SchemaCorrection[] = []): (request: string) => OpenApiRequestBody {
  const doc = correctedSchema(id, path, corrections) as OpenApi;
  assertDiscriminatorsPinned(doc);
  const ajv = openApiAjv();
  // ajv compiles the root of every fragment it is asked for; the root here is the OpenAPI
  // document, whose `paths` and `components` only hold schemas, so they are its only keywords.
  ajv.addVocabulary(['paths', 'components']);
  ajv.addSchema({ $id: id, paths: doc.paths, components: doc.components } as AnySchema);
  const pointer = (...segments: string[]) => segments.map((s) => `/${encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))}`).join('');
  return (request) => {
    const [method, route] = request.split(' ') as [string, string];
    const body = doc.paths[route]?.[method.toLowerCase()]?.requestBody as Json | undefined;
    if (!body) throw new Error(`${path} has no body for ${request}`);
    const at = typeof body.$ref === 'string' ? ['components', 'requestBodies', body.$ref.replace('#/components/requestBodies/', '')] : ['paths', route, method.toLowerCase(), 'requestBody'];
    const media = at.reduce<Json>((node, key) => node[key] as Json, doc).content as Record<string, { examples?: Record<string, { value: string }> }>;
    const validate = ajv.getSchema(`${id}#${pointer(...at, 'content', 'application/json', 'schema')}`);
    if (!validate) throw new Error(`no schema for the body of ${request}`);
    const examples = Object.fromEntries(Object.entries(media['application/json']?.examples ?? {}).map(([name, e]) => [name, JSON.parse(e.value) as unknown]));
    return { validate, examples };
  };
}

/** ajv's errors as lines a failing expectation can show: `/spec/groups/0/rules/1/for must match pattern …`. */
export function schemaErrors(validate: ValidateFunction, data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}
