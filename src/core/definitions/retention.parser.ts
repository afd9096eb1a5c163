import { z } from 'zod';
import { diagnostic, type Diagnostic, type SourcePos } from '../diagnostics.js';
import { esDuration } from '../duration.js';
import {
  BUILTIN_PATTERNS,
  BUILTIN_TEMPLATE_NAMES,
  DATA_STREAM_TYPES,
  MIN_OVERLAPPING_PRIORITY,
  PHASES,
  type CustomTemplate,
  type IndexTemplate,
  type PhaseName,
  type RetentionPhase,
  type RetentionPolicy,
  type RetentionSpec,
  type Rollover,
} from '../model/retention.js';
import { checkName, durationAt, positiveDurationAt, stringMap } from './fields.js';
import { checkShape } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * `apiVersion: vigil/v1`, `kind: Retention`: Elasticsearch ILM policies and the index templates
 * that bind them to index patterns. Field names follow Elasticsearch's own (snake_case) so a
 * reader can check them against its documentation. Documented in docs/retention-spec.md.
 */

/** Elasticsearch refuses an action outside these phases; saying so here beats a 400 at deploy time. */
const ALLOWED_ACTIONS: Record<PhaseName, readonly string[]> = {
  hot: ['rollover', 'forcemerge', 'shrink', 'readonly', 'set_priority'],
  warm: ['forcemerge', 'shrink', 'allocate', 'readonly', 'set_priority'],
  cold: ['allocate', 'readonly', 'set_priority'],
  frozen: ['searchable_snapshot'],
  delete: [],
};

/**
 * Above Elasticsearch's built-in templates (100) and Fleet's (up to 200) with room to spare, as
 * Elastic's templates page asks of an overlapping template; a tie would be refused.
 */
export const DEFAULT_TEMPLATE_PRIORITY = MIN_OVERLAPPING_PRIORITY;

const text = z.string().min(1);
const count = z.number().int().positive();

const phaseSchema = z.strictObject({
  min_age: text.optional(),
  rollover: z
    .strictObject({
      max_age: text.optional(),
      max_primary_shard_size: text.optional(),
      max_docs: count.optional(),
      max_primary_shard_docs: count.optional(),
    })
    .optional(),
  forcemerge: z.strictObject({ max_num_segments: count }).optional(),
  shrink: z.strictObject({ number_of_shards: count.optional(), max_primary_shard_size: text.optional() }).optional(),
  allocate: z
    .strictObject({
      number_of_replicas: z.number().int().nonnegative().optional(),
      include: stringMap.optional(),
      exclude: stringMap.optional(),
      require: stringMap.optional(),
    })
    .optional(),
  readonly: z.boolean().optional(),
  set_priority: z.number().int().nonnegative().optional(),
  searchable_snapshot: z.strictObject({ snapshot_repository: text }).optional(),
});

const policySchema = z.strictObject({
  name: text,
  description: z.string().optional(),
  phases: z.strictObject({
    hot: phaseSchema.optional(),
    warm: phaseSchema.optional(),
    cold: phaseSchema.optional(),
    frozen: phaseSchema.optional(),
    delete: phaseSchema.optional(),
  }),
});

const dataStreamType = z.enum(DATA_STREAM_TYPES);

const customSchema = z.strictObject({
  type: dataStreamType,
  description: z.string().optional(),
  policy: text,
});

const templateSchema = z.strictObject({
  name: text,
  description: z.string().optional(),
  type: dataStreamType.optional(),
  index_patterns: z.array(text).min(1),
  policy: text,
  priority: z.number().int().nonnegative().optional(),
  data_stream: z.boolean().optional(),
});

/** Items are checked one by one so one bad policy does not hide the others' problems. */
const fileSchema = z.strictObject({
  apiVersion: z.literal('vigil/v1'),
  kind: z.literal('Retention'),
  description: z.string().optional(),
  policies: z.array(z.unknown()).min(1),
  custom: z.array(z.unknown()).optional(),
  templates: z.array(z.unknown()).optional(),
});

type PolicyInput = z.output<typeof policySchema>;
type PhaseInput = z.output<typeof phaseSchema>;
type TemplateInput = z.output<typeof templateSchema>;
type CustomInput = z.output<typeof customSchema>;

const BYTE_SIZE_RE = /^\d+(b|kb|mb|gb|tb|pb)$/;
/** What Elasticsearch accepts in an index pattern, lowercase only; `*` is the one wildcard. */
const INDEX_PATTERN_RE = /^[a-z0-9*][a-z0-9*._+-]*$/;

export function parseRetentionDocument(src: YamlDocument): { spec?: RetentionSpec; diagnostics: Diagnostic[] } {
  const raw = src.toJS();
  const top = checkShape(fileSchema, src, raw);
  const out: Diagnostic[] = [...top.diagnostics];
  const r = (raw ?? {}) as Record<string, unknown>;
  // A problem at the top must not hide the problems of each policy and template.
  const policyItems = top.value?.policies ?? (Array.isArray(r.policies) ? r.policies : []);
  const templateItems = top.value?.templates ?? (Array.isArray(r.templates) ? r.templates : []);
  const customItems = top.value?.custom ?? (Array.isArray(r.custom) ? r.custom : []);

  const policies: RetentionPolicy[] = [];
  const policyAt = new Map<string, SourcePos>();
  policyItems.forEach((item, i) => {
    const checked = checkShape(policySchema, src, item, ['policies', i]);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const path = ['policies', i];
    firstDefinition('policy', checked.value.name, src.pos([...path, 'name']), policyAt, out);
    // zod rebuilds objects in schema order; the order the author wrote phases in is in the raw item.
    // In the order written, which the parsed value does not keep; unknown phase names are reported already.
    const written = Object.keys(((item as { phases?: object }).phases ?? {}) as object).filter((k): k is PhaseName => (PHASES as readonly string[]).includes(k));
    const policy = toPolicy(src, checked.value, written, path, out);
    if (policy) policies.push(policy);
  });

  const custom: CustomTemplate[] = [];
  const customAt = new Map<string, SourcePos>();
  customItems.forEach((item, i) => {
    const checked = checkShape(customSchema, src, item, ['custom', i]);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const path = ['custom', i];
    firstDefinition('custom template', `${checked.value.type}@custom`, src.pos([...path, 'type']), customAt, out);
    const c = toCustom(src, checked.value, path, policyAt, out);
    if (c) custom.push(c);
  });

  const templates: IndexTemplate[] = [];
  const templateAt = new Map<string, SourcePos>();
  templateItems.forEach((item, i) => {
    const checked = checkShape(templateSchema, src, item, ['templates', i]);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const path = ['templates', i];
    firstDefinition('template', checked.value.name, src.pos([...path, 'name']), templateAt, out);
    const template = toTemplate(src, checked.value, path, policyAt, policies, out);
    if (template) templates.push(template);
  });
  out.push(...overlaps(templates, () => true));

  if (!top.value) return { diagnostics: out };
  return { spec: { file: src.file, policies, custom, templates }, diagnostics: out };
}

/** Within one document the first definition of a name wins; a later one is reported against it. */
function firstDefinition(kind: string, name: string, at: SourcePos, firstAt: Map<string, SourcePos>, out: Diagnostic[]): void {
  const first = firstAt.get(name);
  if (first) out.push(diagnostic(at, `${kind} "${name}" is already defined at ${first.line}:${first.col}`));
  else firstAt.set(name, at);
}

function toPolicy(src: YamlDocument, p: PolicyInput, written: readonly PhaseName[], path: Path, out: Diagnostic[]): RetentionPolicy | undefined {
  const before = out.length;
  checkName(src, [...path, 'name'], p.name, 'policy name', out);
  const phasesPath = [...path, 'phases'];
  if (written.length === 0) out.push(diagnostic(src.pos(phasesPath), `policy "${p.name}" has no phases`));
  checkPhaseOrder(src, phasesPath, written, out);

  const phases: RetentionPhase[] = [];
  let previous: RetentionPhase | undefined;
  for (const name of PHASES) {
    const input = p.phases[name];
    if (!input) continue;
    const phase = toPhase(src, name, input, [...phasesPath, name], out);
    if (!phase) continue;
    // ILM moves an index through phases in this order; a min_age that does not grow would skip a phase.
    if (previous && phase.minAgeSeconds <= previous.minAgeSeconds) {
      out.push(
        diagnostic(
          src.pos([...phasesPath, name, 'min_age']),
          `${name} min_age ${esDuration(phase.minAgeSeconds)} must be later than ${previous.name} min_age ${esDuration(previous.minAgeSeconds)}`,
        ),
      );
    }
    phases.push(phase);
    previous = phase;
  }
  if (out.length > before) return undefined;
  return { name: p.name, description: p.description ?? '', phases, at: src.pos(path) };
}

/** Phases written out of lifecycle order read as a different lifecycle than the one that runs. */
function checkPhaseOrder(src: YamlDocument, path: Path, names: readonly PhaseName[], out: Diagnostic[]): void {
  let latest: PhaseName | undefined;
  for (const name of names) {
    if (latest && PHASES.indexOf(name) < PHASES.indexOf(latest)) {
      const message =
        latest === 'delete'
          ? `phase "${name}" comes after delete: the delete phase must be last`
          : `phase "${name}" must come before "${latest}" (order: ${PHASES.join(', ')})`;
      out.push(diagnostic(src.pos([...path, name], { key: true }), message));
    } else {
      latest = name;
    }
  }
}

function toPhase(src: YamlDocument, name: PhaseName, p: PhaseInput, path: Path, out: Diagnostic[]): RetentionPhase | undefined {
  const before = out.length;
  for (const action of Object.keys(p).filter((k) => k !== 'min_age')) {
    if (ALLOWED_ACTIONS[name].includes(action)) continue;
    const at = src.pos([...path, action], { key: true });
    if (action === 'rollover') out.push(diagnostic(at, 'rollover is only allowed in the hot phase'));
    else if (name === 'delete') out.push(diagnostic(at, `the delete phase takes only min_age, not ${action}`));
    else out.push(diagnostic(at, `${action} is not allowed in the ${name} phase (allowed: ${ALLOWED_ACTIONS[name].join(', ')})`));
  }
  let minAgeSeconds: number | undefined = 0;
  if (p.min_age !== undefined) minAgeSeconds = durationAt(src, [...path, 'min_age'], p.min_age, out);
  else if (name !== 'hot') out.push(diagnostic(src.pos(path), `the ${name} phase needs min_age`));
  if (name === 'hot' && (p.shrink || p.forcemerge) && !p.rollover) {
    out.push(diagnostic(src.pos(path), 'shrink and forcemerge in the hot phase need a rollover'));
  }
  if (name === 'frozen' && !p.searchable_snapshot) {
    out.push(diagnostic(src.pos(path), 'the frozen phase needs searchable_snapshot'));
  }

  let rollover: Rollover | undefined;
  if (p.rollover) {
    const rp = [...path, 'rollover'];
    const r = p.rollover;
    if (Object.keys(r).length === 0) {
      out.push(diagnostic(src.pos(rp), 'rollover needs at least one of max_age, max_primary_shard_size, max_docs, max_primary_shard_docs'));
    }
    const maxAgeSeconds = r.max_age === undefined ? undefined : positiveDurationAt(src, [...rp, 'max_age'], r.max_age, out);
    byteSize(src, [...rp, 'max_primary_shard_size'], r.max_primary_shard_size, out);
    rollover = { maxAgeSeconds, maxPrimaryShardSize: r.max_primary_shard_size, maxDocs: r.max_docs, maxPrimaryShardDocs: r.max_primary_shard_docs };
  }
  if (p.shrink) {
    const sp = [...path, 'shrink'];
    if ((p.shrink.number_of_shards === undefined) === (p.shrink.max_primary_shard_size === undefined)) {
      out.push(diagnostic(src.pos(sp), 'shrink needs exactly one of number_of_shards, max_primary_shard_size'));
    }
    byteSize(src, [...sp, 'max_primary_shard_size'], p.shrink.max_primary_shard_size, out);
  }
  if (out.length > before || minAgeSeconds === undefined) return undefined;
  const a = p.allocate;
  return {
    name,
    minAgeSeconds,
    rollover,
    forcemerge: p.forcemerge && { maxNumSegments: p.forcemerge.max_num_segments },
    shrink: p.shrink && { numberOfShards: p.shrink.number_of_shards, maxPrimaryShardSize: p.shrink.max_primary_shard_size },
    allocate: a && { numberOfReplicas: a.number_of_replicas, include: a.include, exclude: a.exclude, require: a.require },
    readonly: p.readonly ?? false,
    setPriority: p.set_priority,
    searchableSnapshot: p.searchable_snapshot?.snapshot_repository,
  };
}

function toTemplate(
  src: YamlDocument,
  t: TemplateInput,
  path: Path,
  policyAt: ReadonlyMap<string, SourcePos>,
  policies: readonly RetentionPolicy[],
  out: Diagnostic[],
): IndexTemplate | undefined {
  const before = out.length;
  checkName(src, [...path, 'name'], t.name, 'template name', out);
  t.index_patterns.forEach((pattern, i) => {
    if (!INDEX_PATTERN_RE.test(pattern)) {
      out.push(
        diagnostic(
          src.pos([...path, 'index_patterns', i]),
          `index pattern "${pattern}" must be lowercase letters, digits, "*", ".", "_", "-" or "+" and not start with "_", "-" or "+"`,
        ),
      );
    }
  });
  if (BUILTIN_TEMPLATE_NAMES.includes(t.name)) {
    out.push(diagnostic(src.pos([...path, 'name']), `template name "${t.name}" is Elasticsearch's own template's: a PUT would replace it (use custom: for ${t.name}-*-*)`));
  }
  checkPolicyDefined(src, [...path, 'policy'], t.policy, policyAt, out);
  const priority = t.priority ?? DEFAULT_TEMPLATE_PRIORITY;
  t.index_patterns.forEach((pattern, i) => {
    const at = src.pos([...path, 'index_patterns', i]);
    if (t.type && !pattern.startsWith(`${t.type}-`)) {
      out.push(diagnostic(at, `index pattern "${pattern}" is not a ${t.type} data stream's: with type ${t.type} it must start with "${t.type}-"`));
    }
    // A priority the built-in or Fleet templates may hold either ties (refused) or loses to them.
    const builtin = BUILTIN_PATTERNS.find((b) => patternsOverlap(b, pattern));
    if (builtin && priority < MIN_OVERLAPPING_PRIORITY) {
      out.push(
        diagnostic(
          at,
          `index pattern "${pattern}" overlaps Elasticsearch's built-in and Fleet templates ("${builtin}", priorities 100 to 200): give the template a priority of ${MIN_OVERLAPPING_PRIORITY} or more`,
        ),
      );
    }
  });
  const dataStream = t.data_stream ?? true;
  if (t.type && !dataStream) {
    out.push(diagnostic(src.pos([...path, 'data_stream']), `a ${t.type} template is for data streams: data_stream must be true`));
  }
  const policy = policies.find((p) => p.name === t.policy);
  // Without a data stream, rollover needs a write alias per index, which Vigil does not manage.
  if (!dataStream && policy?.phases.some((p) => p.rollover)) {
    out.push(diagnostic(src.pos([...path, 'data_stream']), `policy "${t.policy}" rolls over, which needs data_stream: true`));
  }
  if (out.length > before) return undefined;
  return {
    name: t.name,
    description: t.description ?? '',
    indexPatterns: t.index_patterns,
    policy: t.policy,
    priority,
    dataStream,
    type: t.type,
    at: { template: src.pos(path), patterns: src.pos([...path, 'index_patterns']) },
  };
}

function toCustom(src: YamlDocument, c: CustomInput, path: Path, policyAt: ReadonlyMap<string, SourcePos>, out: Diagnostic[]): CustomTemplate | undefined {
  const before = out.length;
  checkPolicyDefined(src, [...path, 'policy'], c.policy, policyAt, out);
  if (out.length > before) return undefined;
  return { type: c.type, description: c.description ?? '', policy: c.policy, at: src.pos(path) };
}

function checkPolicyDefined(src: YamlDocument, path: Path, policy: string, policyAt: ReadonlyMap<string, SourcePos>, out: Diagnostic[]): void {
  if (!policyAt.has(policy)) out.push(diagnostic(src.pos(path), `policy "${policy}" is not defined in this document${hint([...policyAt.keys()])}`));
}

function hint(names: readonly string[]): string {
  return names.length === 0 ? '' : ` (defined: ${[...names].sort().join(', ')})`;
}

function byteSize(src: YamlDocument, path: Path, value: string | undefined, out: Diagnostic[]): void {
  if (value !== undefined && !BYTE_SIZE_RE.test(value)) {
    out.push(diagnostic(src.pos(path), `"${value}" is not a byte size (use e.g. 50gb, 512mb)`));
  }
}

/**
 * Elasticsearch refuses a template whose patterns can match the same index as another template's
 * at the same priority, because it could not choose between them.
 */
function overlaps(templates: readonly IndexTemplate[], pairWanted: (a: IndexTemplate, b: IndexTemplate) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  templates.forEach((b, j) => {
    for (const a of templates.slice(0, j)) {
      if (a.priority !== b.priority || !pairWanted(a, b)) continue;
      const pair = b.indexPatterns.flatMap((pb) => a.indexPatterns.filter((pa) => patternsOverlap(pa, pb)).map((pa) => [pa, pb] as const))[0];
      if (!pair) continue;
      const where = a.at.template.file === b.at.template.file ? `${a.at.template.line}:${a.at.template.col}` : `${a.at.template.file}:${a.at.template.line}:${a.at.template.col}`;
      out.push(
        diagnostic(
          b.at.patterns,
          `index pattern "${pair[1]}" overlaps "${pair[0]}" of template "${a.name}" (${where}) at the same priority ${b.priority}; give one a higher priority`,
        ),
      );
    }
  });
  return out;
}

/** Whether some index name matches both wildcard patterns (`*` matches any run of characters). */
export function patternsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result = false;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === '*') result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/**
 * Checks across retention documents: names are fleet-wide (they become file names and cluster
 * objects) and overlapping templates conflict whichever file defines them.
 */
export function checkRetention(specs: readonly RetentionSpec[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Within one document the parser reports duplicates; here, across documents, of one file or of several.
  const docOf = new Map<unknown, number>();
  specs.forEach((s, i) => [...s.policies, ...s.templates, ...s.custom].forEach((item) => docOf.set(item, i)));
  for (const [kind, items] of [
    ['policy', specs.flatMap((s) => s.policies.map((p) => ({ item: p, name: p.name, at: p.at })))],
    ['template', specs.flatMap((s) => s.templates.map((t) => ({ item: t, name: t.name, at: t.at.template })))],
    ['custom template', specs.flatMap((s) => s.custom.map((c) => ({ item: c, name: `${c.type}@custom`, at: c.at })))],
  ] as const) {
    const first = new Map<string, { readonly at: SourcePos; readonly doc: number | undefined }>();
    for (const { item, name, at } of items) {
      const seen = first.get(name);
      if (!seen) first.set(name, { at, doc: docOf.get(item) });
      else if (seen.doc !== docOf.get(item)) {
        out.push(diagnostic(at, `${kind} "${name}" is already defined at ${seen.at.file}:${seen.at.line}:${seen.at.col}`));
      }
    }
  }
  out.push(...overlaps(specs.flatMap((s) => s.templates), (a, b) => docOf.get(a) !== docOf.get(b)));
  return out;
}
