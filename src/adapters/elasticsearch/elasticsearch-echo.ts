/**
 * How Elasticsearch echoes what was put: GET adds fields it owns (version, modified_date, in_use_by
 * sit outside the policy and are never read) and fills defaults Vigil did not set. Comparing after
 * dropping exactly those defaults keeps a second `vigil apply` a no-op while a field Vigil removes
 * still shows as a change.
 */

import { jsonEqual } from '../../core/apply/json-equal.js';

type Json = unknown;
type Obj = Record<string, Json>;

/** Defaults Elasticsearch fills inside an ILM action body, per action. */
const ACTION_DEFAULTS: Readonly<Record<string, Obj>> = {
  delete: { delete_searchable_snapshot: true },
  shrink: { allow_write_after_shrink: false },
};

/** Fields GET _index_template adds beside what was put. */
const TEMPLATE_DEFAULTS: Obj = { composed_of: [], ignore_missing_component_templates: [], deprecated: false };
const TEMPLATE_SERVER_FIELDS = ['created_date', 'created_date_millis', 'modified_date', 'modified_date_millis'];
const DATA_STREAM_DEFAULTS: Obj = { hidden: false, allow_custom_routing: false };

/** `desired` is the `policy` of a generated ilm-policy file; `current` the `policy` of GET _ilm/policy. */
export function samePolicy(desired: object, current: object): boolean {
  return jsonEqual(desired, withoutPolicyDefaults(desired as Obj, current as Obj));
}

/** `desired` is a generated index-template body; `current` the `index_template` of GET _index_template. */
export function sameIndexTemplate(desired: object, current: object): boolean {
  const want = desired as Obj;
  const echoed: Obj = { ...current };
  for (const f of TEMPLATE_SERVER_FIELDS) delete echoed[f];
  dropDefaults(want, echoed, TEMPLATE_DEFAULTS);
  if (isObj(want.data_stream) && isObj(echoed.data_stream)) {
    echoed.data_stream = { ...echoed.data_stream };
    dropDefaults(want.data_stream, echoed.data_stream as Obj, DATA_STREAM_DEFAULTS);
  }
  return jsonEqual(want, echoed);
}

/** `desired` is a generated component-template body; `current` the `component_template` of GET _component_template. */
export function sameComponentTemplate(desired: object, current: object): boolean {
  return jsonEqual(desired, current);
}

function withoutPolicyDefaults(desired: Obj, current: Obj): Obj {
  const wantPhases = isObj(desired.phases) ? desired.phases : {};
  if (!isObj(current.phases)) return current;
  const phases: Obj = {};
  for (const [name, phase] of Object.entries(current.phases)) {
    const want = isObj(wantPhases[name]) ? (wantPhases[name] as Obj) : {};
    if (!isObj(phase)) {
      phases[name] = phase;
      continue;
    }
    const p: Obj = { ...phase };
    // Elasticsearch reports an unset min_age as 0ms.
    if (want.min_age === undefined && p.min_age === '0ms') delete p.min_age;
    if (isObj(p.actions)) {
      const wantActions = isObj(want.actions) ? want.actions : {};
      const actions: Obj = {};
      for (const [action, body] of Object.entries(p.actions)) {
        const copy = isObj(body) ? { ...body } : body;
        if (isObj(copy) && isObj(wantActions[action])) dropDefaults(wantActions[action] as Obj, copy, ACTION_DEFAULTS[action] ?? {});
        actions[action] = copy;
      }
      p.actions = actions;
    }
    phases[name] = p;
  }
  return { ...current, phases };
}

/** Removes from `echoed` each default Vigil did not set, when it still holds the default value. */
function dropDefaults(desired: Obj, echoed: Obj, defaults: Obj): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (!(key in desired) && key in echoed && jsonEqual(echoed[key], value)) delete echoed[key];
  }
}


function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
