import { join } from 'node:path';
import { readJsonObjectFiles } from '../files/json-files.js';

export interface ElasticsearchDeployFiles {
  /** Policy name → the `policy` object of ilm-policy.<name>.json. */
  readonly policies: Map<string, Record<string, unknown>>;
  /** Template name → the body of index-template.<name>.json. */
  readonly templates: Map<string, Record<string, unknown>>;
}

const FILE_RE = /^(ilm-policy|index-template)\.(.+)\.json$/;

/** Reads what `vigil generate` wrote under `<outDir>/deploy/elasticsearch`. */
export async function readElasticsearchDeployFiles(outDir: string): Promise<ElasticsearchDeployFiles> {
  const policies = new Map<string, Record<string, unknown>>();
  const templates = new Map<string, Record<string, unknown>>();
  for (const { path, match, body } of await readJsonObjectFiles(join(outDir, 'deploy/elasticsearch'), FILE_RE)) {
    if (match[1] === 'ilm-policy') {
      const policy = body.policy;
      if (typeof policy !== 'object' || policy === null) throw new Error(`${path}: expected {"policy": {...}}`);
      policies.set(match[2]!, policy as Record<string, unknown>);
    } else {
      templates.set(match[2]!, body);
    }
  }
  return { policies, templates };
}
