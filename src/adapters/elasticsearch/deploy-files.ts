import { join } from 'node:path';
import type { IlmPolicyBody } from '../../core/generate/elasticsearch/ilm-policy.js';
import type { IndexTemplateBody } from '../../core/generate/elasticsearch/index-template.js';
import { readJsonObjectFiles } from '../files/json-files.js';

export interface ElasticsearchDeployFiles {
  /** Policy name → the `policy` object of ilm-policy.<name>.json. */
  readonly policies: Map<string, IlmPolicyBody['policy']>;
  /** Template name → the body of index-template.<name>.json. */
  readonly templates: Map<string, IndexTemplateBody>;
}

const FILE_RE = /^(ilm-policy|index-template)\.(.+)\.json$/;

/** Reads what `vigil generate` wrote under `<outDir>/deploy/elasticsearch`. */
export async function readElasticsearchDeployFiles(outDir: string): Promise<ElasticsearchDeployFiles> {
  const policies = new Map<string, IlmPolicyBody['policy']>();
  const templates = new Map<string, IndexTemplateBody>();
  for (const { path, match, body } of await readJsonObjectFiles(join(outDir, 'deploy/elasticsearch'), FILE_RE)) {
    if (match[1] === 'ilm-policy') {
      const policy = body.policy;
      if (typeof policy !== 'object' || policy === null) throw new Error(`${path}: expected {"policy": {...}}`);
      policies.set(match[2]!, policy as IlmPolicyBody['policy']);
    } else {
      templates.set(match[2]!, body);
    }
  }
  return { policies, templates };
}
