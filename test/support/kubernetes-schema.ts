import { readFileSync } from 'node:fs';
import type { AnySchema, ValidateFunction } from 'ajv';
import { closeStructuralObjects, correctedSchema, newAjv, type SchemaCorrection } from './schema-validator.js';

type Json = Record<string, unknown>;
type GroupVersionKind = { group: string; version: string; kind: string };

/**
 * Validators for Kubernetes' built-in kinds from its OpenAPI v2 document (a cut of it,
 * test/schemas/kubernetes), keyed by `apiVersion kind` as objects carry them: each definition
 * with `x-kubernetes-group-version-kind`, read as the API server reads an object:
 * - strict field validation (kubectl's default since 1.27): an object schema with `properties`
 *   refuses any other field;
 * - `apiVersion`, `kind` and `metadata` required, the first two pinned to the definition's own;
 * - metadata also judged by the rules the document leaves out (names, label keys and values).
 */
export function kubernetesApiValidators(
  swaggerPath: string,
  objectMetaPath: string,
  corrections: readonly SchemaCorrection[] = [],
): (apiVersion: string, kind: string) => ValidateFunction {
  const doc = correctedSchema('kubernetes', swaggerPath, corrections) as Json & { definitions: Record<string, Json> };
  const objectMeta = JSON.parse(readFileSync(objectMetaPath, 'utf8')) as Json;
  const ajv = newAjv();
  ajv.addSchema(objectMeta);
  // The document's own `#/definitions/…` references resolve within it.
  ajv.addSchema({ $id: 'kubernetes', definitions: closeStructuralObjects(doc.definitions) } as AnySchema);
  const kinds = new Map<string, ValidateFunction>();
  for (const [name, definition] of Object.entries(doc.definitions)) {
    for (const gvk of (definition['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined) ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      kinds.set(
        `${apiVersion} ${gvk.kind}`,
        ajv.compile({
          allOf: [
            { $ref: `kubernetes#/definitions/${name}` },
            { required: ['apiVersion', 'kind', 'metadata'], properties: { apiVersion: { const: apiVersion }, kind: { const: gvk.kind }, metadata: { $ref: objectMeta.$id as string } } },
          ],
        }),
      );
    }
  }
  return (apiVersion, kind) => {
    const validate = kinds.get(`${apiVersion} ${kind}`);
    if (!validate) throw new Error(`no schema for ${apiVersion} ${kind} in ${swaggerPath}`);
    return validate;
  };
}
