import { consumerOutputs } from '../support/consumer-outputs.js';
import { jsonSchemaValidators, schemaErrors, type SchemaCorrection } from '../support/schema-validator.js';

/**
 * Every dashboard Vigil writes, judged by the Grafana foundation SDK's JSON schemas (vendored in
 * test/schemas/grafana-foundation-sdk): the dashboard schema for the dashboard and its panels,
 * each panel plugin's schema for the `options` and `fieldConfig.defaults.custom` the dashboard
 * schema leaves open, and the Prometheus data source's schema for every Prometheus query.
 */
const SCHEMAS = 'test/schemas/grafana-foundation-sdk';
const PANEL_PLUGINS = ['gauge', 'stat', 'table', 'timeseries'];
/**
 * The SDK's JSON schema renders CUE's "any" (`_`) as "any object", though its own TypeScript types
 * (typescript/src/dashboard/types.gen.ts, same commit) say `options?: any` and `value?: any`, and
 * Grafana takes strings there: a `byName` matcher's options is the field name, a `unit` override's
 * value the unit. Listed in test/schemas/grafana-foundation-sdk/README.md.
 */
const CORRECTIONS: SchemaCorrection[] = [
  { file: 'dashboard', path: ['definitions', 'MatcherConfig', 'properties', 'options'], to: {}, why: 'MatcherConfig.options?: any' },
  { file: 'dashboard', path: ['definitions', 'DynamicConfigValue', 'properties', 'value'], to: {}, why: 'DynamicConfigValue.value?: any' },
];
const schema = jsonSchemaValidators(
  Object.fromEntries(['dashboard', 'prometheus', ...PANEL_PLUGINS].map((k) => [k, `${SCHEMAS}/${k}.jsonschema.json`])),
  CORRECTIONS,
);

type Obj = Record<string, any>;

const outputs = await consumerOutputs(/^dashboards\/.*\.json$/);

function panelsOf(dashboard: Obj): Obj[] {
  return (dashboard.panels ?? []).flatMap((p: Obj) => [p, ...panelsOf(p)]);
}

/** Every problem, each line prefixed with what was judged: `panel 4 options: /legend/displayMode must be …`. */
function dashboardErrors(dashboard: Obj): string[] {
  const errors = schemaErrors(schema('dashboard'), dashboard).map((e) => `dashboard: ${e}`);
  for (const panel of panelsOf(dashboard)) {
    if (panel.type === 'row') continue; // a row has no options, custom field config or queries
    const at = `panel ${panel.id} (${panel.type})`;
    if (!PANEL_PLUGINS.includes(panel.type)) {
      errors.push(`${at}: no vendored schema for this panel type; add test/schemas/grafana-foundation-sdk/${panel.type}.jsonschema.json`);
      continue;
    }
    errors.push(...schemaErrors(schema(panel.type, 'Options'), panel.options ?? {}).map((e) => `${at} options: ${e}`));
    const custom = panel.fieldConfig?.defaults?.custom;
    if (custom !== undefined) {
      const fieldConfig = schema(panel.type).schema as Obj;
      if (fieldConfig.definitions.FieldConfig) errors.push(...schemaErrors(schema(panel.type, 'FieldConfig'), custom).map((e) => `${at} fieldConfig.defaults.custom: ${e}`));
      else if (Object.keys(custom).length > 0) errors.push(`${at} fieldConfig.defaults.custom: the plugin has no custom field config`);
    }
    for (const target of panel.targets ?? []) {
      const source = target.datasource?.type ?? panel.datasource?.type;
      if (source !== 'prometheus') errors.push(`${at} target ${target.refId}: data source ${source} has no vendored schema`);
      else errors.push(...schemaErrors(schema('prometheus'), target).map((e) => `${at} target ${target.refId}: ${e}`));
    }
  }
  return errors;
}

describe('every generated dashboard is valid for the Grafana foundation SDK schemas', () => {
  it('judges committed dashboards and every fixture’s', () => {
    const sources = new Set(outputs.map((o) => o.name.replace(/:.*| dashboards\/.*/, '')));
    expect([...sources].sort()).toEqual(['committed', 'golden drills', 'golden native-kinds', 'golden native-ratio', 'golden openslo', 'golden sloth', 'limits', 'promtool fixtures']);
  });

  it.each(outputs.map((o) => [o.name, o.content]))('%s', (_name, content) => {
    const dashboard = JSON.parse(content) as Obj;
    expect(panelsOf(dashboard).length).toBeGreaterThan(0);
    expect(dashboardErrors(dashboard)).toEqual([]);
  });
});

describe('the schemas refuse what Grafana’s schema refuses', () => {
  const sample = JSON.parse(outputs.find((o) => o.name === 'committed dashboards/redis.json')!.content) as Obj;
  const first = (type: string) => (d: Obj): Obj => panelsOf(d).find((p) => p.type === type)!;

  it('accepts the untouched sample, which has every panel type', () => {
    expect(new Set(panelsOf(sample).map((p) => p.type))).toEqual(new Set(['row', ...PANEL_PLUGINS]));
    expect(dashboardErrors(sample)).toEqual([]);
  });

  it.each<[string, (d: Obj) => void, RegExp]>([
    ['a dashboard field the schema does not define', (d) => (d.owner = 'sre'), /^dashboard: \/ must NOT have additional properties \(owner\)/m],
    ['a dashboard without schemaVersion', (d) => delete d.schemaVersion, /^dashboard: \/ must have required property 'schemaVersion'/m],
    ['a grid width given as a string', (d) => (first('timeseries')(d).gridPos.w = '12'), /^dashboard: \/panels\/\d+(\/panels\/\d+)?\/gridPos\/w must be integer/m],
    ['a time series legend in a display mode Grafana lacks', (d) => (first('timeseries')(d).options.legend.displayMode = 'sideways'), /\(timeseries\) options: \/legend\/displayMode must be equal to one of the allowed values/],
    ['a stat panel without reduceOptions', (d) => delete first('stat')(d).options.reduceOptions, /\(stat\) options: \/ must have required property 'reduceOptions'/],
    ['a gauge option the plugin does not have', (d) => (first('gauge')(d).options.needle = true), /\(gauge\) options: \/ must NOT have additional properties \(needle\)/],
    ['a time series line width given as a string', (d) => (first('timeseries')(d).fieldConfig.defaults.custom.lineWidth = '2'), /\(timeseries\) fieldConfig.defaults.custom: \/lineWidth must be number/],
    ['a Prometheus query field the data source does not know', (d) => (first('timeseries')(d).targets[0].query = 'up'), /target A: \/ must NOT have additional properties \(query\)/],
    ['a Prometheus query without expr', (d) => delete first('stat')(d).targets[0].expr, /target A: \/ must have required property 'expr'/],
    ['a panel type without a vendored schema', (d) => (first('gauge')(d).type = 'bargauge'), /\(bargauge\): no vendored schema/],
  ])('refuses %s', (_case, breakIt, message) => {
    const broken = structuredClone(sample);
    breakIt(broken);
    expect(dashboardErrors(broken).join('\n')).toMatch(message);
  });
});
