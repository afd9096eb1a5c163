import type { estypes } from '@elastic/elasticsearch';
import { BUILTIN_COMPOSITION, ECS_MAPPINGS, type IndexTemplate } from '../../model/retention.js';
import { customTemplateName } from './component-template.js';

/** Body of `PUT _index_template/<name>`: the request's body fields, typed by the client. */
export type IndexTemplateBody = Omit<estypes.IndicesPutIndexTemplateRequest, 'name' | 'create' | 'master_timeout' | 'cause' | 'body' | 'querystring'>;

/**
 * A template that wins over a built-in one replaces it whole, so a typed template composes the
 * built-in's component templates in the built-in's order (`<type>@custom` may be absent, as
 * there) and keeps its `allow_auto_create`; our own patterns get the ECS mappings. The
 * template's own `index.lifecycle.name` wins over the components' (Elasticsearch applies the
 * index template's settings last). Data streams roll over without a write alias.
 */
export function indexTemplateBody(template: IndexTemplate, meta: estypes.Metadata): IndexTemplateBody {
  const body: IndexTemplateBody = {
    _meta: meta,
    index_patterns: [...template.indexPatterns],
    priority: template.priority,
  };
  if (template.dataStream) body.data_stream = {};
  if (template.type) {
    body.allow_auto_create = true;
    body.composed_of = [...BUILTIN_COMPOSITION[template.type]];
    body.ignore_missing_component_templates = [customTemplateName(template.type)];
  } else {
    body.composed_of = [ECS_MAPPINGS];
  }
  body.template = { settings: { index: { lifecycle: { name: template.policy } } } };
  return body;
}
