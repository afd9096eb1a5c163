import type { estypes } from '@elastic/elasticsearch';
import type { IndexTemplate } from '../../model/retention.js';

/** Body of `PUT _index_template/<name>`: the request's body fields, typed by the client. */
export type IndexTemplateBody = Omit<estypes.IndicesPutIndexTemplateRequest, 'name' | 'create' | 'master_timeout' | 'cause' | 'body' | 'querystring'>;

/** `index.lifecycle.name` binds the policy; data streams roll over without a write alias. */
export function indexTemplateBody(template: IndexTemplate, meta: estypes.Metadata): IndexTemplateBody {
  const body: IndexTemplateBody = {
    _meta: meta,
    index_patterns: [...template.indexPatterns],
    priority: template.priority,
  };
  if (template.dataStream) body.data_stream = {};
  body.template = { settings: { index: { lifecycle: { name: template.policy } } } };
  return body;
}
