import type { estypes } from '@elastic/elasticsearch';
import type { CustomTemplate } from '../../model/retention.js';

/** Body of `PUT _component_template/<name>`: the request's body fields, typed by the client. */
export type ComponentTemplateBody = Omit<estypes.ClusterPutComponentTemplateRequest, 'name' | 'create' | 'cause' | 'master_timeout' | 'body' | 'querystring'>;

/**
 * `<type>@custom`, which Elasticsearch's own template for the type (and Fleet's integration
 * templates of that type) compose after their own settings: the policy set here replaces the
 * built-in one (`logs@settings` names `logs`) while the data stream flag, the ECS and type
 * mappings and every other setting of the built-in template stay.
 */
export function customTemplateName(type: CustomTemplate['type']): string {
  return `${type}@custom`;
}

export function componentTemplateBody(custom: CustomTemplate, meta: estypes.Metadata): ComponentTemplateBody {
  return { _meta: meta, template: { settings: { index: { lifecycle: { name: custom.policy } } } } };
}
