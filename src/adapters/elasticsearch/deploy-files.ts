import { join } from 'node:path';
import type { ComponentTemplateBody } from '../../core/generate/elasticsearch/component-template.js';
import type { IlmPolicyBody } from '../../core/generate/elasticsearch/ilm-policy.js';
import type { IndexTemplateBody } from '../../core/generate/elasticsearch/index-template.js';
import { readJsonObjectFiles } from '../files/json-files.js';

export interface ElasticsearchDeployFiles {
  /** Policy name → the `policy` object of ilm-policy.<name>.json. */
  readonly policies: Map<string, IlmPolicyBody['policy']>;
  /** Component template name → the body of component-template.<name>.json. */
  readonly componentTemplates: Map<string, ComponentTemplateBody>;
  /** Template name → the body of index-template.<name>.json. */
  readonly templates: Map<string, IndexTemplateBody>;
}

const FILE_RE = /^(ilm-policy|component-template|index-template)\.(.+)\.json$/;

/** Reads what `vigil generate` wrote under `<outDir>/deploy/elasticsearch`. */
export async function readElasticsearchDeployFiles(outDir: string): Promise<ElasticsearchDeployFiles> {
  const policies = new Map<string, IlmPolicyBody['policy']>();
  const componentTemplates = new Map<string, ComponentTemplateBody>();
  const templates = new Map<string, IndexTemplateBody>();
  for (const { path, match, body } of await readJsonObjectFiles(join(outDir, 'deploy/elasticsearch'), FILE_RE)) {
    if (match[1] === 'ilm-policy') {
      const policy = body.policy;
      if (typeof policy !== 'object' || policy === null) throw new Error(`${path}: expected {"policy": {...}}`);
      policies.set(match[2]!, policy as IlmPolicyBody['policy']);
    } else if (match[1] === 'component-template') {
      if (typeof body.template !== 'object' || body.template === null) throw new Error(`${path}: expected {"template": {...}}`);
      componentTemplates.set(match[2]!, body as ComponentTemplateBody);
    } else {
      templates.set(match[2]!, body);
    }
  }
  return { policies, componentTemplates, templates };
}
