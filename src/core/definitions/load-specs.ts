import { diagnostic, type Diagnostic, type SourcePos } from '../diagnostics.js';
import type { DrillSpec } from '../model/drill.js';
import type { OnCallSpec } from '../model/oncall.js';
import { DEFAULT_OUTPUTS, type OutputsSpec } from '../model/outputs.js';
import type { RetentionSpec } from '../model/retention.js';
import type { RoutingSpec } from '../model/routing.js';
import type { Slo, SpecDocument } from '../model/slo.js';
import { parseDrillDocument } from './drill.parser.js';
import { parseNativeDocument } from './native.parser.js';
import { ONCALL_DEFAULTS, parseOnCallDocument } from './oncall.parser.js';
import { parseOutputsDocument } from './outputs.parser.js';
import { parseRetentionDocument } from './retention.parser.js';
import { parseRoutingDocument } from './routing.parser.js';
import { openSloToSlo, parseOpenSloDocument, type OpenSloParsed, type OpenSloSli } from './openslo.parser.js';
import { parsePyrraDocument } from './pyrra.parser.js';
import { parseSlothDocument, parseSlothKubernetesDocument } from './sloth.parser.js';
import { parseYamlFile, type YamlDocument } from './yaml-source.js';

/** A spec file's path (as it should appear in messages) and its text. The caller does the reading. */
export interface SpecInput {
  readonly path: string;
  readonly text: string;
}

export interface LoadedSpecs {
  readonly documents: readonly SpecDocument[];
  /** `kind: Routing` documents; a fleet has at most one. */
  readonly routing: readonly RoutingSpec[];
  /** `kind: Retention` documents. */
  readonly retention: readonly RetentionSpec[];
  /** `kind: OnCall` documents; a fleet has at most one (a second is an error, reported here). */
  readonly oncall: readonly OnCallSpec[];
  /** `kind: Outputs` documents; a fleet has at most one (a second is an error, reported here). */
  readonly outputs: readonly OutputsSpec[];
  /** `kind: Drill` documents, read from the drills folder only. */
  readonly drills: readonly DrillSpec[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Where the inputs were read from. Drills are run from their own folder (VIGIL_DRILLS_DIR) and
 * nothing else is read from it, so a document in the other folder would pass validation and then
 * be silently ignored: each folder refuses the other's kinds.
 */
export type SpecFolder = 'slos' | 'drills';

/**
 * Parses every document of every file, whatever its format: `apiVersion: vigil/v1` (native),
 * `version: prometheus/v1` or `apiVersion: sloth.slok.dev/v1` (Sloth), `apiVersion: openslo/v1`
 * or `apiVersion: pyrra.dev/v1alpha1`.
 */
export function loadSpecs(inputs: readonly SpecInput[], folder: SpecFolder = 'slos'): LoadedSpecs {
  const diagnostics: Diagnostic[] = [];
  const documents: SpecDocument[] = [];
  const openslo: Extract<OpenSloParsed, { kind: 'slo' }>[] = [];
  const slis = new Map<string, OpenSloSli>();
  const routing: RoutingSpec[] = [];
  const retention: RetentionSpec[] = [];
  const oncall: OnCallSpec[] = [];
  const outputs: OutputsSpec[] = [];
  const drills: DrillSpec[] = [];
  // Counted whether or not the first parsed cleanly, like the OnCall spec below.
  const drillNames = new Map<string, SourcePos>();
  // Counted whether or not the first parsed cleanly: two on-call specs are one mistake of its own.
  let firstOnCall: string | undefined;
  let firstOutputs: string | undefined;

  const all = inputs.flatMap((input) => {
    const parsed = specDocuments(input);
    diagnostics.push(...parsed.diagnostics);
    return parsed.documents;
  });
  // The Outputs spec first, wherever it is: the other kinds are checked against its severities.
  for (const { src, format } of all) {
    if (format !== 'vigil-outputs' || folder === 'drills') continue;
    if (firstOutputs === undefined) {
      firstOutputs = src.file;
      gather(parseOutputsDocument(src), outputs);
    } else {
      diagnostics.push(diagnostic(src.pos(['kind']), `a fleet has one Outputs spec; ${firstOutputs} already defines it`));
    }
  }
  const settings = outputs[0] ?? DEFAULT_OUTPUTS;
  for (const { src, format } of all) {
    if (typeof format === 'string' && (format === 'vigil-drill') !== (folder === 'drills')) {
      diagnostics.push(diagnostic(src.pos(['kind']), format === 'vigil-drill' ? DRILL_ELSEWHERE : NOT_A_DRILL));
    } else if (format === 'vigil-drill') {
      const name = (src.toJS() as { name?: unknown }).name;
      const seen = typeof name === 'string' ? drillNames.get(name) : undefined;
      if (seen) diagnostics.push(diagnostic(src.pos(['name']), `drill "${String(name)}" is already defined at ${seen.file}:${seen.line}:${seen.col}`));
      else if (typeof name === 'string') drillNames.set(name, src.pos(['name']));
      const r = parseDrillDocument(src);
      diagnostics.push(...r.diagnostics);
      if (r.spec && !seen) drills.push(r.spec);
    } else if (format === 'vigil') collect(parseNativeDocument(src, settings.absentAlerts));
    else if (format === 'vigil-routing') gather(parseRoutingDocument(src, Object.values(settings.severities)), routing);
    else if (format === 'vigil-retention') gather(parseRetentionDocument(src), retention);
    else if (format === 'vigil-outputs') continue;
    else if (format === 'vigil-oncall') {
      if (firstOnCall === undefined) {
        firstOnCall = src.file;
        gather(parseOnCallDocument(src), oncall);
      } else {
        diagnostics.push(diagnostic(src.pos(['kind']), `a fleet has one OnCall spec; ${firstOnCall} already defines it`));
      }
    }
    else if (format === 'sloth') collect(parseSlothDocument(src, settings.absentAlerts));
    else if (format === 'sloth-kubernetes') collect(parseSlothKubernetesDocument(src, settings.absentAlerts));
    else if (format === 'pyrra') collect(parsePyrraDocument(src, settings.absentAlerts));
    else if (format === 'openslo') {
      const r = parseOpenSloDocument(src);
      diagnostics.push(...r.diagnostics);
      if (r.parsed?.kind === 'slo') openslo.push(r.parsed);
      if (r.parsed?.kind === 'sli') {
        if (slis.has(r.parsed.sli.name)) {
          diagnostics.push(diagnostic(src.pos(['metadata', 'name']), `SLI "${r.parsed.sli.name}" is defined twice`));
        }
        slis.set(r.parsed.sli.name, r.parsed.sli);
      }
    } else diagnostics.push(diagnostic(src.pos([]), format.error));
  }

  for (const p of openslo) {
    const slo = openSloToSlo(p, slis, diagnostics, settings.absentAlerts);
    if (slo) documents.push(fromOpenSlo(p.src.file, slo));
  }
  // The Outputs spec's severities decide what the OnCall spec's defaults mean.
  return { documents, routing, retention, oncall: oncall.map((o) => withSeverities(o, settings)), outputs, drills, diagnostics };

  function gather<T>(r: { spec?: T; diagnostics: Diagnostic[] }, into: T[]): void {
    diagnostics.push(...r.diagnostics);
    if (r.spec) into.push(r.spec);
  }

  function collect(r: { spec?: SpecDocument; diagnostics: Diagnostic[] }): void {
    diagnostics.push(...r.diagnostics);
    if (r.spec) documents.push(r.spec);
  }
}

/** Every spec document of a file with its format; YAML syntax errors as diagnostics. */
export function specDocuments(input: SpecInput): { documents: { src: YamlDocument; format: Format }[]; diagnostics: Diagnostic[] } {
  const parsed = parseYamlFile(input.path, input.text);
  // A file may hold its specs as one YAML sequence of documents (the OpenSLO Go SDK's and oslo's form).
  const documents = parsed.documents.flatMap((doc) => (isSpecList(doc) ? doc.items()! : [doc])).map((src) => ({ src, format: detectFormat(src) }));
  return { documents, diagnostics: parsed.diagnostics };
}

function fromOpenSlo(file: string, slo: Slo): SpecDocument {
  return { file, format: 'openslo/v1', service: slo.service, labels: {}, slos: [slo], alerts: [] };
}

export type Format =
  | 'vigil'
  | 'vigil-routing'
  | 'vigil-retention'
  | 'vigil-oncall'
  | 'vigil-outputs'
  | 'vigil-drill'
  | 'sloth'
  | 'sloth-kubernetes'
  | 'openslo'
  | 'pyrra'
  | { error: string };

/** The apiVersions of the other tools' Kubernetes objects; each parser checks its kind. */
const FOREIGN_API_VERSIONS: Record<string, Format> = { 'openslo/v1': 'openslo', 'sloth.slok.dev/v1': 'sloth-kubernetes', 'pyrra.dev/v1alpha1': 'pyrra' };
const ACCEPTED = 'apiVersion: vigil/v1, openslo/v1, sloth.slok.dev/v1 (Sloth) or pyrra.dev/v1alpha1 (Pyrra), or version: prometheus/v1 (Sloth)';

const DRILL_ELSEWHERE = 'kind: Drill belongs in the drills folder (--drills, VIGIL_DRILLS_DIR): drills are run from there only';
const NOT_A_DRILL = 'the drills folder holds kind: Drill documents only; move this one to the specs folder (--slos, VIGIL_SLOS_DIR)';

/** Native documents without a kind (or `kind: Service`) describe a service; other kinds are fleet-wide. */
const NATIVE_KINDS: Record<string, Format> = { Service: 'vigil', Routing: 'vigil-routing', Retention: 'vigil-retention', OnCall: 'vigil-oncall', Outputs: 'vigil-outputs', Drill: 'vigil-drill' };

/** A top-level sequence whose items all look like spec documents (mappings with apiVersion or version). */
function isSpecList(doc: YamlDocument): boolean {
  const v = doc.toJS();
  return Array.isArray(v) && v.length > 0 && v.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item) && ('apiVersion' in item || 'version' in item));
}

function detectFormat(src: YamlDocument): Format {
  const v = src.toJS();
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return { error: `a spec document must be a mapping with ${ACCEPTED}` };
  }
  const doc = v as Record<string, unknown>;
  if (doc.apiVersion === 'vigil/v1') {
    if (doc.kind === undefined) return 'vigil';
    return NATIVE_KINDS[String(doc.kind)] ?? { error: `unknown kind ${JSON.stringify(doc.kind)}; vigil/v1 kinds are ${Object.keys(NATIVE_KINDS).join(', ')}` };
  }
  const foreign = typeof doc.apiVersion === 'string' && Object.hasOwn(FOREIGN_API_VERSIONS, doc.apiVersion) ? FOREIGN_API_VERSIONS[doc.apiVersion] : undefined;
  if (foreign) return foreign;
  if (doc.version === 'prometheus/v1') return 'sloth';
  if ('apiVersion' in doc) {
    return { error: `unsupported apiVersion ${JSON.stringify(doc.apiVersion)}; expected one of ${Object.keys({ 'vigil/v1': 0, ...FOREIGN_API_VERSIONS }).join(', ')}` };
  }
  if ('version' in doc) return { error: `unsupported Sloth version ${JSON.stringify(doc.version)}; expected prometheus/v1` };
  return { error: `cannot tell the spec format: set ${ACCEPTED}` };
}

/**
 * The OnCall spec's default low-urgency severities are Vigil's levels warning and info: in a fleet
 * whose alerts carry other values (kind: Outputs), the default means those values.
 */
function withSeverities(oncall: OnCallSpec, outputs: Omit<OutputsSpec, 'file'>): OnCallSpec {
  const byDefault = ONCALL_DEFAULTS.lowUrgencySeverities;
  const low = oncall.incidents.lowUrgencySeverities;
  if (low.length !== byDefault.length || !low.every((s, i) => s === byDefault[i])) return oncall;
  return { ...oncall, incidents: { ...oncall.incidents, lowUrgencySeverities: [outputs.severities.warning, outputs.severities.info] } };
}
