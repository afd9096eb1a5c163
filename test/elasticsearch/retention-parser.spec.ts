import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { elasticsearchFiles } from '../../src/core/generate/elasticsearch/elasticsearch-files.js';
import { checkRetention, patternsOverlap } from '../../src/core/definitions/retention.parser.js';
import type { RetentionSpec } from '../../src/core/model/retention.js';
import { loadSpecs } from '../../src/core/definitions/load-specs.js';

/** Diagnostics of one retention file, as users see them. */
function problems(body: string, path = 'r.yaml'): string[] {
  return loadSpecs([{ path, text: `apiVersion: vigil/v1\nkind: Retention\n${body}` }]).diagnostics.map(formatDiagnostic);
}

function load(body: string, path = 'r.yaml'): RetentionSpec {
  const loaded = loadSpecs([{ path, text: `apiVersion: vigil/v1\nkind: Retention\n${body}` }]);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
  return loaded.retention[0]!;
}

const policy = (phases: string) => `policies:\n  - name: p\n    phases:\n${phases}`;
const HOT = '      hot:\n        rollover: { max_age: 1d }\n';

describe('retention spec validation', () => {
  it.each([
    [
      'an unknown field gets a did-you-mean',
      policy(`${HOT}      delete:\n        min_ag: 30d\n`),
      // The typo, and its consequence: the value without it has no min_age.
      ['r.yaml:9:9: unknown field "min_ag", did you mean "min_age"?', 'r.yaml:9:9: the delete phase needs min_age'],
    ],
    ['an unknown phase gets a did-you-mean', policy(`${HOT}      delet:\n        min_age: 30d\n`), ['r.yaml:8:7: unknown field "delet", did you mean "delete"?']],
    [
      'phases out of lifecycle order',
      policy(`${HOT}      cold:\n        min_age: 30d\n      warm:\n        min_age: 7d\n`),
      ['r.yaml:10:7: phase "warm" must come before "cold" (order: hot, warm, cold, frozen, delete)'],
    ],
    [
      'a phase after delete',
      policy(`${HOT}      delete:\n        min_age: 90d\n      cold:\n        min_age: 30d\n`),
      ['r.yaml:10:7: phase "cold" comes after delete: the delete phase must be last'],
    ],
    [
      'min_age that does not grow from phase to phase',
      policy(`${HOT}      warm:\n        min_age: 30d\n      cold:\n        min_age: 4w2d\n`),
      ['r.yaml:11:18: cold min_age 30d must be later than warm min_age 30d'],
    ],
    ['a phase without min_age', policy(`${HOT}      warm:\n        readonly: true\n`), ['r.yaml:9:9: the warm phase needs min_age']],
    [
      'rollover outside the hot phase',
      policy(`${HOT}      warm:\n        min_age: 7d\n        rollover: { max_age: 1d }\n`),
      ['r.yaml:10:9: rollover is only allowed in the hot phase'],
    ],
    [
      'an action the phase does not take',
      policy(`${HOT}      cold:\n        min_age: 7d\n        shrink: { number_of_shards: 1 }\n`),
      ['r.yaml:10:9: shrink is not allowed in the cold phase (allowed: allocate, readonly, set_priority)'],
    ],
    [
      'an action in the delete phase',
      policy(`${HOT}      delete:\n        min_age: 7d\n        readonly: true\n`),
      ['r.yaml:10:9: the delete phase takes only min_age, not readonly'],
    ],
    ['a duration Elasticsearch cannot be given', policy(`${HOT}      delete:\n        min_age: 3 months\n`), ['r.yaml:9:18: "3 months" is not a duration (use e.g. 30s, 5m, 1h30m, 30d)']],
    ['a byte size without a unit', policy('      hot:\n        rollover: { max_primary_shard_size: 50 }\n'), ['r.yaml:7:45: policies[0].phases.hot.rollover.max_primary_shard_size: expected a string, got number 50']],
    ['a byte size with an unknown unit', policy('      hot:\n        rollover: { max_primary_shard_size: 50gib }\n'), ['r.yaml:7:45: "50gib" is not a byte size (use e.g. 50gb, 512mb)']],
    ['a rollover with no condition', policy('      hot:\n        rollover: {}\n'), ['r.yaml:7:19: rollover needs at least one of max_age, max_primary_shard_size, max_docs, max_primary_shard_docs']],
    ['forcemerge in hot without rollover', policy('      hot:\n        forcemerge: { max_num_segments: 1 }\n'), ['r.yaml:7:9: shrink and forcemerge in the hot phase need a rollover']],
    [
      'shrink with both targets',
      policy(`${HOT}      warm:\n        min_age: 7d\n        shrink: { number_of_shards: 1, max_primary_shard_size: 50gb }\n`),
      ['r.yaml:10:17: shrink needs exactly one of number_of_shards, max_primary_shard_size'],
    ],
    ['a frozen phase without a snapshot repository', policy(`${HOT}      frozen:\n        min_age: 7d\n`), ['r.yaml:9:9: the frozen phase needs searchable_snapshot']],
    ['a policy with no phases', 'policies:\n  - name: p\n    phases: {}\n', ['r.yaml:5:13: policy "p" has no phases']],
    [
      'two policies with one name',
      `${policy(HOT)}  - name: p\n    phases:\n${HOT}`,
      ['r.yaml:8:11: policy "p" is already defined at 4:11'],
    ],
    [
      'a template naming a policy that does not exist',
      `${policy(HOT)}templates:\n  - name: app-logs\n    index_patterns: [logs-*]\n    policy: log\n`,
      ['r.yaml:11:13: policy "log" is not defined in this document (defined: p)'],
    ],
    [
      'templates whose patterns overlap at the same priority',
      `${policy(HOT)}templates:\n  - name: a\n    index_patterns: [logs-*]\n    policy: p\n  - name: b\n    index_patterns: [logs-audit-*]\n    policy: p\n`,
      ['r.yaml:13:21: index pattern "logs-audit-*" overlaps "logs-*" of template "a" (9:5) at the same priority 501; give one a higher priority'],
    ],
    [
      'an index pattern Elasticsearch refuses',
      `${policy(HOT)}templates:\n  - name: a\n    index_patterns: [Logs-*]\n    policy: p\n`,
      ['r.yaml:10:22: index pattern "Logs-*" must be lowercase letters, digits, "*", ".", "_", "-" or "+" and not start with "_", "-" or "+"'],
    ],
    [
      'a rolling-over policy on a plain index template',
      `${policy(HOT)}templates:\n  - name: a\n    index_patterns: [logs-*]\n    policy: p\n    data_stream: false\n`,
      ['r.yaml:12:18: policy "p" rolls over, which needs data_stream: true'],
    ],
    [
      'a priority the built-in or Fleet templates may hold, on an overlapping pattern',
      `${policy(HOT)}templates:\n  - name: a\n    index_patterns: [logs-app-*, executions-*]\n    policy: p\n    priority: 200\n`,
      ['r.yaml:10:22: index pattern "logs-app-*" overlaps Elasticsearch\'s built-in and Fleet templates ("logs-*-*", priorities 100 to 200): give the template a priority of 501 or more'],
    ],
    [
      'a template named like one of Elasticsearch\'s own',
      `${policy(HOT)}templates:\n  - name: metrics\n    index_patterns: [metrics-*]\n    policy: p\n`,
      ['r.yaml:9:11: template name "metrics" is Elasticsearch\'s own template\'s: a PUT would replace it (use custom: for metrics-*-*)'],
    ],
    [
      'a typed template with a pattern outside its type',
      `${policy(HOT)}templates:\n  - name: a\n    type: logs\n    index_patterns: [metrics-app-*]\n    policy: p\n`,
      ['r.yaml:11:22: index pattern "metrics-app-*" is not a logs data stream\'s: with type logs it must start with "logs-"'],
    ],
    [
      'a typed template that is not for data streams',
      `${policy('      delete:\n        min_age: 1d\n')}templates:\n  - name: a\n    type: traces\n    index_patterns: [traces-app-*]\n    policy: p\n    data_stream: false\n`,
      ['r.yaml:13:18: a traces template is for data streams: data_stream must be true'],
    ],
    ['a custom template of an unknown type', `${policy(HOT)}custom:\n  - type: log\n    policy: p\n`, ['r.yaml:9:11: custom[0].type: must be one of "logs", "metrics", "traces", got "log"']],
    [
      'a custom template naming a policy that does not exist',
      `${policy(HOT)}custom:\n  - type: logs\n    policy: q\n`,
      ['r.yaml:10:13: policy "q" is not defined in this document (defined: p)'],
    ],
    [
      'two custom templates of one type',
      `${policy(HOT)}custom:\n  - type: logs\n    policy: p\n  - type: logs\n    policy: p\n`,
      ['r.yaml:11:11: custom template "logs@custom" is already defined at 9:11'],
    ],
    ['no policies at all', 'policies: []\n', ['r.yaml:3:11: policies: Too small: expected array to have >=1 items']],
  ])('reports %s', (_case, body, expected) => {
    expect(problems(body)).toEqual(expected);
  });

  it('accepts overlapping templates at different priorities', () => {
    const spec = load(`${policy(HOT)}templates:\n  - name: a\n    index_patterns: [logs-*]\n    policy: p\n  - name: b\n    index_patterns: [logs-audit-*]\n    policy: p\n    priority: 502\n`);
    expect(spec.templates.map((t) => [t.name, t.priority, t.dataStream])).toEqual([
      ['a', 501, true],
      ['b', 502, true],
    ]);
  });

  it('accepts any priority on a pattern no built-in or Fleet template can match', () => {
    const spec = load(`${policy(HOT)}templates:\n  - name: a\n    index_patterns: [executions-*]\n    policy: p\n    priority: 10\n`);
    expect(spec.templates.map((t) => [t.name, t.priority])).toEqual([['a', 10]]);
  });

  it('converts durations to the single units Elasticsearch takes', () => {
    const spec = load(policy('      hot:\n        rollover: { max_age: 36h }\n      delete:\n        min_age: 7y\n'));
    const body = JSON.parse(elasticsearchFiles([spec])[0]!.content) as { policy: { phases: { hot: { actions: { rollover: { max_age: string } } }; delete: { min_age: string } } } };
    expect(body.policy.phases.hot.actions.rollover.max_age).toBe('36h');
    expect(body.policy.phases.delete.min_age).toBe('2555d');
  });
});

describe('patternsOverlap', () => {
  it.each([
    ['logs-*', 'logs-audit-*', true],
    ['logs-*', 'metrics-*', false],
    ['logs-*', 'logs-*-*', true],
    ['*-prod', 'logs-*', true],
    ['logs-a', 'logs-b', false],
    ['logs-a', 'logs-a', true],
    ['a*c', 'ab', false],
    ['a*c', '*bc', true],
    ['metrics-aggregated-*', 'metrics-*', true],
    ['executions-*', 'logs-*', false],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });
});

describe('checkRetention across files', () => {
  it('reports names defined in two files and templates overlapping across them', () => {
    const a = load(`${policy(HOT)}custom:\n  - type: logs\n    policy: p\ntemplates:\n  - name: app-logs\n    index_patterns: [logs-*]\n    policy: p\n`, 'a.yaml');
    const b = load(`${policy(HOT)}custom:\n  - type: logs\n    policy: p\ntemplates:\n  - name: audit\n    index_patterns: [logs-audit-*]\n    policy: p\n`, 'b.yaml');
    expect(checkRetention([a, b]).map(formatDiagnostic)).toEqual([
      'b.yaml:4:5: policy "p" is already defined at a.yaml:4:5',
      'b.yaml:9:5: custom template "logs@custom" is already defined at a.yaml:9:5',
      'b.yaml:13:21: index pattern "logs-audit-*" overlaps "logs-*" of template "app-logs" (a.yaml:12:5) at the same priority 501; give one a higher priority',
    ]);
  });

  it('finds nothing in one file that is valid on its own', () => {
    expect(checkRetention([load(`${policy(HOT)}`)])).toEqual([]);
  });
});
