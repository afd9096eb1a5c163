import { sameComponentTemplate, sameIndexTemplate, samePolicy } from './elasticsearch-echo.js';

const policy = {
  _meta: { managed_by: 'vigil' },
  phases: {
    hot: { min_age: '0s', actions: { rollover: { max_age: '1d' } } },
    warm: { min_age: '7d', actions: { shrink: { number_of_shards: 1 } } },
    delete: { min_age: '90d', actions: { delete: {} } },
  },
};

const echoedPolicy = {
  _meta: { managed_by: 'vigil' },
  phases: {
    hot: { min_age: '0s', actions: { rollover: { max_age: '1d' } } },
    warm: { min_age: '7d', actions: { shrink: { number_of_shards: 1, allow_write_after_shrink: false } } },
    delete: { min_age: '90d', actions: { delete: { delete_searchable_snapshot: true } } },
  },
};

const withPhases = (phases: Record<string, unknown>) => ({ ...echoedPolicy, phases: { ...echoedPolicy.phases, ...phases } });

describe('samePolicy: the policy part of GET _ilm/policy against the generated one', () => {
  it.each([
    ['is the same when Elasticsearch only filled action defaults', echoedPolicy, true],
    ['is the same whatever the key order', { phases: { delete: echoedPolicy.phases.delete, warm: echoedPolicy.phases.warm, hot: echoedPolicy.phases.hot }, _meta: { managed_by: 'vigil' } }, true],
    ['differs when a min_age changed', withPhases({ delete: { min_age: '30d', actions: { delete: {} } } }), false],
    ['differs when the server keeps a phase Vigil dropped', withPhases({ cold: { min_age: '30d', actions: { readonly: {} } } }), false],
    ['differs when a default was set to something else', withPhases({ delete: { min_age: '90d', actions: { delete: { delete_searchable_snapshot: false } } } }), false],
    ['differs when _meta changed', { ...echoedPolicy, _meta: { managed_by: 'someone' } }, false],
  ])('%s', (_case, current, same) => {
    expect(samePolicy(policy, current)).toBe(same);
  });
});

const template = { _meta: { managed_by: 'vigil' }, index_patterns: ['logs-*'], priority: 200, data_stream: {}, template: { settings: { index: { lifecycle: { name: 'logs' } } } } };

describe('sameIndexTemplate: the index_template of GET _index_template against the generated body', () => {
  it.each([
    ['is the same with the fields Elasticsearch adds', { ...template, composed_of: [], data_stream: { hidden: false, allow_custom_routing: false }, created_date_millis: 1, modified_date_millis: 2 }, true],
    ['differs when component templates were added by hand', { ...template, composed_of: ['extra'] }, false],
    ['differs when the data stream is hidden', { ...template, data_stream: { hidden: true, allow_custom_routing: false } }, false],
    ['differs when the priority changed', { ...template, priority: 100 }, false],
    ['differs when the server keeps a field Vigil no longer sets', { ...template, version: 3 }, false],
  ])('%s', (_case, current, same) => {
    expect(sameIndexTemplate(template, current)).toBe(same);
  });
});

const component = { _meta: { managed_by: 'vigil' }, template: { settings: { index: { lifecycle: { name: 'application-logs' } } } } };

describe('sameComponentTemplate: the component_template of GET _component_template against the generated body', () => {
  it.each([
    ['is the same as echoed', { ...component }, true],
    ['differs when the policy was changed by hand', { ...component, template: { settings: { index: { lifecycle: { name: 'logs' } } } } }, false],
    ['differs when mappings were added by hand', { ...component, template: { ...component.template, mappings: { properties: {} } } }, false],
  ])('%s', (_case, current, same) => {
    expect(sameComponentTemplate(component, current)).toBe(same);
  });
});
