import { check } from '../check.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { specDocuments, type Format, type SpecInput } from '../definitions/load-specs.js';
import type { SpecDocument } from '../model/slo.js';
import { nativeDocument } from './native-spec.js';
import { openSloDocuments } from './openslo-spec.js';
import { convertedFile } from './spec-yaml.js';

export const CONVERT_TARGETS = ['vigil', 'openslo'] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

export interface ConvertedFile {
  /** The input file it was converted from. */
  readonly source: string;
  /** `<name>.vigil.yaml` or `<name>.openslo.yaml`: the source's file name, without folders. */
  readonly name: string;
  readonly content: string;
}

export interface Conversion {
  /** One per input file that holds SLOs or alerts; empty whenever there is a diagnostic. */
  readonly files: readonly ConvertedFile[];
  /** What the target format cannot hold and was left out, located in the source. */
  readonly notes: readonly Diagnostic[];
  /** Problems of the input, as `vigil validate` reports them: nothing is converted then. */
  readonly diagnostics: readonly Diagnostic[];
  /** `service/slo` of every SLO written with all it had: the generated rules of the output equal the input's. */
  readonly complete: readonly string[];
}

/**
 * Any accepted spec as native `vigil/v1` or as OpenSLO v1, one output file per input file. The
 * input is checked as `vigil validate` checks it first: a spec with problems is not converted.
 */
export function convertSpecs(inputs: readonly SpecInput[], to: ConvertTarget): Conversion {
  const checked = check(inputs);
  if (checked.diagnostics.length > 0) return { files: [], notes: [], diagnostics: checked.diagnostics, complete: [] };
  const files: ConvertedFile[] = [];
  const notes: Diagnostic[] = [];
  const complete: string[] = [];
  for (const input of inputs) {
    notes.push(...leftOut(input, to));
    const docs = checked.documents.filter((d) => d.file === input.path);
    if (docs.length === 0) continue;
    const content = to === 'vigil' ? toNative(docs) : toOpenSlo(docs);
    if (content !== undefined) files.push({ source: input.path, name: convertedName(input.path, to), content });
  }
  return { files, notes: sortDiagnostics(notes), diagnostics: [], complete };

  function toNative(docs: readonly SpecDocument[]): string {
    for (const d of docs) complete.push(...d.slos.map((s) => `${s.service}/${s.name}`));
    return convertedFile(docs[0]!.file, docs.map((d) => d.format), byService(docs).map(nativeDocument));
  }

  function toOpenSlo(docs: readonly SpecDocument[]): string | undefined {
    const converted = docs.map(openSloDocuments);
    for (const c of converted) {
      notes.push(...c.notes);
      complete.push(...c.complete);
    }
    const documents = converted.flatMap((c) => c.documents);
    return documents.length > 0 ? convertedFile(docs[0]!.file, docs.map((d) => d.format), documents) : undefined;
  }
}

/**
 * One document per service and labels: OpenSLO and Pyrra give each SLO a document of its own,
 * where vigil/v1 lists a service's SLOs together.
 */
function byService(docs: readonly SpecDocument[]): SpecDocument[] {
  const merged: SpecDocument[] = [];
  for (const d of docs) {
    const i = merged.findIndex((m) => m.service === d.service && sameLabels(m.labels, d.labels));
    if (i < 0) merged.push(d);
    else merged[i] = { ...merged[i]!, slos: [...merged[i]!.slos, ...d.slos], alerts: [...merged[i]!.alerts, ...d.alerts] };
  }
  return merged;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
}

/** Spec formats whose documents become SpecDocuments; the others are said to be left out. */
const SLO_FORMATS: readonly Format[] = ['vigil', 'sloth', 'sloth-kubernetes', 'pyrra', 'openslo'];

/** The documents of a file that are not converted: other Vigil kinds, and OpenSLO kinds other than SLO. */
function leftOut(input: SpecInput, to: ConvertTarget): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { src, format } of specDocuments(input).documents) {
    const kind = String((src.toJS() as { kind?: unknown }).kind);
    if (typeof format === 'string' && !SLO_FORMATS.includes(format)) {
      out.push(diagnostic(src.pos(['kind']), `kind: ${kind} is not an SLO spec; not converted (it is vigil/v1 already)`));
    } else if (format === 'openslo' && kind === 'SLI') {
      out.push(diagnostic(src.pos(['kind']), `kind: SLI is not converted on its own; ${to === 'vigil' ? 'its queries are written into the SLOs that use it' : 'it is written inline into the SLOs that use it'}`));
    } else if (format === 'openslo' && kind !== 'SLO') {
      out.push(diagnostic(src.pos(['kind']), `kind: ${kind} is not converted: Vigil reads nothing from it`));
    }
  }
  return out;
}

/** `slos/checkout.yaml` → `checkout.vigil.yaml`; a `.vigil` or `.openslo` already in the name is not repeated. */
export function convertedName(path: string, to: ConvertTarget): string {
  const base = path.split(/[/\\]/).pop()!.replace(/\.ya?ml$/i, '').replace(/\.(vigil|openslo)$/, '');
  return `${base}.${to}.yaml`;
}
