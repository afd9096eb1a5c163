import type { RetentionSpec } from '../../spec/retention.parser.js';
import type { GeneratedFile } from '../rule-files.js';

/** deploy/elasticsearch/*.json: ILM policies and index templates. (Stub: issue #3.) */
export function elasticsearchFiles(_retention: readonly RetentionSpec[]): GeneratedFile[] {
  return [];
}
