import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { OnCallSpec } from '../model/oncall.js';
import type { RetentionSpec } from '../model/retention.js';
import type { RoutingSpec } from '../model/routing.js';
import type { Slo, SpecDocument } from '../model/slo.js';
import { parseNativeDocument } from './native.parser.js';
import { parseOnCallDocument } from './oncall.parser.js';
import { parseRetentionDocument } from './retention.parser.js';
import { parseRoutingDocument } from './routing.parser.js';
import { openSloToSlo, parseOpenSloDocument, type OpenSloParsed, type OpenSloSli } from './openslo.parser.js';
import { parseSlothDocument } from './sloth.parser.js';
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
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses every document of every file, whatever its format: `apiVersion: vigil/v1` (native),
 * `version: prometheus/v1` (Sloth) or `apiVersion: openslo/v1`.
 */
export function loadSpecs(inputs: readonly SpecInput[]): LoadedSpecs {
  const diagnostics: Diagnostic[] = [];
  const documents: SpecDocument[] = [];
  const openslo: Extract<OpenSloParsed, { kind: 'slo' }>[] = [];
  const slis = new Map<string, OpenSloSli>();
  const routing: RoutingSpec[] = [];
  const retention: RetentionSpec[] = [];
  const oncall: OnCallSpec[] = [];
  // Counted whether or not the first parsed cleanly: two on-call specs are one mistake of its own.
  let firstOnCall: string | undefined;

  for (const input of inputs) {
    const parsed = parseYamlFile(input.path, input.text);
    diagnostics.push(...parsed.diagnostics);
    for (const src of parsed.documents) {
      const format = detectFormat(src);
      if (format === 'vigil') collect(parseNativeDocument(src));
      else if (format === 'vigil-routing') gather(parseRoutingDocument(src), routing);
      else if (format === 'vigil-retention') gather(parseRetentionDocument(src), retention);
      else if (format === 'vigil-oncall') {
        if (firstOnCall === undefined) {
          firstOnCall = src.file;
          gather(parseOnCallDocument(src), oncall);
        } else {
          diagnostics.push(diagnostic(src.pos(['kind']), `a fleet has one OnCall spec; ${firstOnCall} already defines it`));
        }
      }
      else if (format === 'sloth') collect(parseSlothDocument(src));
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
  }

  for (const p of openslo) {
    const slo = openSloToSlo(p, slis, diagnostics);
    if (slo) documents.push(fromOpenSlo(p.src.file, slo));
  }
  return { documents, routing, retention, oncall, diagnostics };

  function gather<T>(r: { spec?: T; diagnostics: Diagnostic[] }, into: T[]): void {
    diagnostics.push(...r.diagnostics);
    if (r.spec) into.push(r.spec);
  }

  function collect(r: { spec?: SpecDocument; diagnostics: Diagnostic[] }): void {
    diagnostics.push(...r.diagnostics);
    if (r.spec) documents.push(r.spec);
  }
}

function fromOpenSlo(file: string, slo: Slo): SpecDocument {
  return { file, format: 'openslo/v1', service: slo.service, labels: {}, slos: [slo], alerts: [] };
}

type Format = 'vigil' | 'vigil-routing' | 'vigil-retention' | 'vigil-oncall' | 'sloth' | 'openslo' | { error: string };

/** Native documents without a kind (or `kind: Service`) describe a service; other kinds are fleet-wide. */
const NATIVE_KINDS: Record<string, Format> = { Service: 'vigil', Routing: 'vigil-routing', Retention: 'vigil-retention', OnCall: 'vigil-oncall' };

function detectFormat(src: YamlDocument): Format {
  const v = src.toJS();
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return { error: 'a spec document must be a mapping with apiVersion: vigil/v1, version: prometheus/v1 (Sloth) or apiVersion: openslo/v1' };
  }
  const doc = v as Record<string, unknown>;
  if (doc.apiVersion === 'vigil/v1') {
    if (doc.kind === undefined) return 'vigil';
    return NATIVE_KINDS[String(doc.kind)] ?? { error: `unknown kind ${JSON.stringify(doc.kind)}; vigil/v1 kinds are ${Object.keys(NATIVE_KINDS).join(', ')}` };
  }
  if (doc.apiVersion === 'openslo/v1') return 'openslo';
  if (doc.version === 'prometheus/v1') return 'sloth';
  if ('apiVersion' in doc) {
    return { error: `unsupported apiVersion ${JSON.stringify(doc.apiVersion)}; expected vigil/v1 or openslo/v1` };
  }
  if ('version' in doc) return { error: `unsupported Sloth version ${JSON.stringify(doc.version)}; expected prometheus/v1` };
  return { error: 'cannot tell the spec format: set apiVersion: vigil/v1, version: prometheus/v1 (Sloth) or apiVersion: openslo/v1' };
}
