/**
 * What a fresh Elasticsearch (with Fleet having installed one integration) already holds, so the
 * stand-in can show what our templates do next to it. Names, patterns, priorities, composed_of,
 * ignore_missing_component_templates and allow_auto_create are Elastic's; component contents are
 * abbreviated to the parts tests look at. Sources, github.com/elastic/elasticsearch:
 * - x-pack/plugin/core/template-resources/src/main/resources/logs@template.json @ 3caa25b3cea21f9638e8c40fd7fbc4885406f999
 * - …/metrics@template.json @ 47d8204f640785ad463ed31d85dcba3074fb2fa2
 * - x-pack/plugin/otel-data/src/main/resources/index-templates/traces-otel@template.yaml @ 3b8078d946e40795b3b900f7fde72bf6abf7b1ec
 *   (Elasticsearch has no traces-*-* template: StackTemplateRegistry.java @ ee037bb0ad740269e797052ee08f455b68ca37de
 *   installs only the traces@mappings and traces@settings components)
 * - …/logs@mappings.json @ 8095de25c2adc1bd7f5f4d21fd3c15ed4eff7f54, logs@settings.json @ b9b1556a4c8750b3542aae60ddb24698f8e83af9,
 *   traces@settings.json @ 2b73d659fca66369cb7c83417ecbdb533ddfe115, ecs@mappings.json @ 852d2b8dd496adaeb55d1ebf51e5012924a78a59
 * The Fleet integration template follows Fleet's documented shape (elastic/ingest-docs
 * data-streams.asciidoc: `<name>@package`, then `<type>@custom`, then `<name>@custom`) at the
 * priority Elastic's templates page gives Fleet's templates (up to 200).
 */
const managed = (description: string) => ({ description, managed: true });

const settings = (policy: string) => ({ index: { lifecycle: { name: policy }, codec: 'best_compression', mapping: { ignore_malformed: true } } });
const typeMappings = (type: string) => ({
  date_detection: false,
  properties: {
    '@timestamp': { type: 'date' },
    'data_stream.type': { type: 'constant_keyword', value: type },
    'data_stream.dataset': { type: 'constant_keyword' },
    'data_stream.namespace': { type: 'constant_keyword' },
  },
});

export const BUILTIN_COMPONENT_TEMPLATES: Record<string, Record<string, unknown>> = {
  'logs@mappings': { template: { mappings: typeMappings('logs') }, _meta: managed('default mappings for the logs index template installed by x-pack') },
  'logs@settings': { template: { settings: settings('logs') }, _meta: managed('default settings for the logs index template installed by x-pack') },
  'metrics@mappings': { template: { mappings: typeMappings('metrics') }, _meta: managed('default mappings for the metrics index template installed by x-pack') },
  'metrics@settings': { template: { settings: { index: { lifecycle: { name: 'metrics' }, codec: 'best_compression' } } }, _meta: managed('default settings for the metrics index template installed by x-pack') },
  'data-streams@mappings': { template: { mappings: { dynamic_templates: [{ match_ip: { match: 'ip', match_mapping_type: 'string', mapping: { type: 'ip' } } }] } }, _meta: managed('general mapping conventions for data streams') },
  'traces@mappings': { template: { mappings: typeMappings('traces') }, _meta: managed('default mappings for the traces index template installed by x-pack') },
  'traces@settings': { template: { settings: settings('traces') }, _meta: managed('default settings for the traces index template installed by x-pack') },
  'ecs@mappings': {
    template: {
      mappings: {
        dynamic_templates: [
          { ecs_timestamp: { match: '@timestamp', mapping: { ignore_malformed: false, type: 'date' } } },
          { ecs_ip: { path_match: ['ip', '*.ip', '*_ip'], match_mapping_type: 'string', mapping: { type: 'ip' } } },
          { all_strings_to_keywords: { match_mapping_type: 'string', mapping: { ignore_above: 1024, type: 'keyword' } } },
        ],
      },
    },
    _meta: managed('dynamic mappings based on ECS, installed by x-pack'),
  },
  'otel@mappings': { template: { mappings: { properties: { attributes: { type: 'passthrough', priority: 10 } } } }, _meta: managed('OpenTelemetry mappings') },
  'traces-otel@mappings': { template: { mappings: { properties: { trace_id: { type: 'keyword' }, span_id: { type: 'keyword' } } } }, _meta: managed('OpenTelemetry traces mappings') },
  'semconv-resource-to-ecs@mappings': { template: { mappings: { properties: { 'host.name': { type: 'keyword' } } } }, _meta: managed('semantic conventions to ECS aliases') },
  'logs-system.auth@package': { template: { settings: { index: { lifecycle: { name: 'logs' } } }, mappings: { properties: { 'system.auth.ssh.method': { type: 'keyword' } } } }, _meta: { package: { name: 'system' }, managed_by: 'fleet', managed: true } },
};

export const BUILTIN_INDEX_TEMPLATES: Record<string, Record<string, unknown>> = {
  logs: {
    index_patterns: ['logs-*-*'],
    priority: 100,
    data_stream: {},
    composed_of: ['logs@mappings', 'logs@settings', 'logs@custom', 'ecs@mappings'],
    ignore_missing_component_templates: ['logs@custom'],
    allow_auto_create: true,
    _meta: managed('default logs template installed by x-pack'),
  },
  metrics: {
    index_patterns: ['metrics-*-*'],
    priority: 100,
    data_stream: {},
    composed_of: ['metrics@mappings', 'data-streams@mappings', 'metrics@settings', 'metrics@custom'],
    ignore_missing_component_templates: ['metrics@custom'],
    allow_auto_create: true,
    _meta: managed('default metrics template installed by x-pack'),
  },
  'traces-otel@template': {
    index_patterns: ['traces-*.otel-*'],
    priority: 120,
    data_stream: {},
    composed_of: ['traces@mappings', 'traces@settings', 'otel@mappings', 'traces-otel@mappings', 'semconv-resource-to-ecs@mappings', 'traces@custom', 'traces-otel@custom', 'ecs@mappings'],
    ignore_missing_component_templates: ['traces@custom', 'traces-otel@custom'],
    allow_auto_create: true,
    template: { mappings: { properties: { 'data_stream.type': { type: 'constant_keyword', value: 'traces' } } } },
    _meta: managed('default OpenTelemetry traces template installed by x-pack'),
  },
  'logs-system.auth': {
    index_patterns: ['logs-system.auth-*'],
    priority: 200,
    data_stream: {},
    composed_of: ['logs-system.auth@package', 'logs@custom', 'logs-system.auth@custom', 'ecs@mappings'],
    ignore_missing_component_templates: ['logs@custom', 'logs-system.auth@custom'],
    _meta: { package: { name: 'system' }, managed_by: 'fleet', managed: true },
  },
};
