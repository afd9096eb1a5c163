import type { Diagnostic } from '../diagnostics.js';
import type { YamlDocument } from './yaml-source.js';

/** `apiVersion: vigil/v1`, `kind: Retention`: Elasticsearch ILM policies and index templates. (Stub: issue #3.) */
export interface RetentionSpec {
  readonly file: string;
}

export function parseRetentionDocument(src: YamlDocument): { spec?: RetentionSpec; diagnostics: Diagnostic[] } {
  return { spec: { file: src.file }, diagnostics: [] };
}
