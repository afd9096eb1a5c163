import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { isDnsLabel, isLabelValue, isObjectName } from '../generate/kubernetes-names.js';
import { DEFAULT_OUTPUTS, type AlertLevel, type OutputsSpec } from '../model/outputs.js';
import { httpUrlAt, positiveDurationAt, urlCarriesSecret } from './fields.js';
import { checkShapeInto } from './shape-check.js';
import type { YamlDocument } from './yaml-source.js';

/**
 * `apiVersion: vigil/v1`, `kind: Outputs`: fleet-wide settings of the generated files
 * (docs/outputs-spec.md). Every value that reaches a Kubernetes object is checked against what
 * the API server accepts, so `vigil validate` passing means `kubectl apply` does too.
 */

const schema = z.strictObject({
  apiVersion: z.literal('vigil/v1'),
  kind: z.literal('Outputs'),
  description: z.string().optional(),
  prometheusRule: z
    .strictObject({
      namespace: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  severities: z.strictObject({ critical: z.string().min(1).optional(), warning: z.string().min(1).optional(), info: z.string().min(1).optional() }).optional(),
  runbooks: z.strictObject({ baseUrl: z.string() }).optional(),
  absentAlerts: z
    .strictObject({ disabled: z.boolean().optional(), for: z.string().optional(), severity: z.enum(['page', 'ticket']).optional() })
    .optional(),
});

/** Labels Vigil sets on its own objects: tools (kubectl --prune -l, Argo CD) find them by these. */
export const VIGIL_OBJECT_LABELS = ['app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of'] as const;


export function parseOutputsDocument(src: YamlDocument): { spec?: OutputsSpec; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const raw = src.toJS() as { prometheusRule?: unknown } | null;
  const doc = checkShapeInto(schema, src, raw, [], out);
  // A shape problem elsewhere must not hide what Kubernetes would refuse: the values are checked from what was written.
  const rule = doc?.prometheusRule ?? writtenRuleOutput(raw?.prometheusRule);
  if (rule.namespace !== undefined && !isDnsLabel(rule.namespace)) {
    out.push(diagnostic(src.pos(['prometheusRule', 'namespace']), `namespace ${JSON.stringify(rule.namespace)} is not a Kubernetes namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit`));
  }
  for (const [key, value] of Object.entries(rule.labels ?? {})) {
    const problem = labelKeyProblem(key) ?? ((VIGIL_OBJECT_LABELS as readonly string[]).includes(key) ? `label ${JSON.stringify(key)} is set by Vigil on every object it generates` : undefined);
    if (problem) out.push(diagnostic(src.pos(['prometheusRule', 'labels', key], { key: true }), problem));
    else if (!isLabelValue(value)) {
      out.push(diagnostic(src.pos(['prometheusRule', 'labels', key]), `label value ${JSON.stringify(value)} is not valid in Kubernetes: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`));
    }
  }
  const written = (raw ?? {}) as { severities?: unknown; runbooks?: unknown; absentAlerts?: unknown };
  const severities = { ...DEFAULT_OUTPUTS.severities, ...(doc?.severities ?? strings(written.severities, Object.keys(DEFAULT_OUTPUTS.severities))) };
  const levels = Object.keys(severities) as AlertLevel[];
  for (const [i, level] of levels.entries()) {
    const same = levels.slice(0, i).find((l) => severities[l] === severities[level]);
    // Routing and urgency tell the levels apart by this value: two levels sharing one would page a warning as critical.
    if (same) out.push(diagnostic(src.pos(['severities', level]), `severities: ${level} and ${same} are both ${JSON.stringify(severities[level])}; each level needs its own value`));
  }
  const baseUrl = doc?.runbooks?.baseUrl ?? strings(written.runbooks, ['baseUrl']).baseUrl;
  const base = baseUrl !== undefined ? httpUrlAt(src, ['runbooks', 'baseUrl'], baseUrl, 'runbooks.baseUrl', out) : undefined;
  if (base && (base.search || base.hash || urlCarriesSecret(base))) {
    out.push(diagnostic(src.pos(['runbooks', 'baseUrl']), 'runbooks.baseUrl: a runbook path is joined to it, so it takes no query, fragment or credentials'));
  }
  const absentFor = doc?.absentAlerts?.for ?? strings(written.absentAlerts, ['for']).for;
  const absentSeconds = absentFor !== undefined ? positiveDurationAt(src, ['absentAlerts', 'for'], absentFor, out) : DEFAULT_OUTPUTS.absentAlerts.forSeconds;
  if (!doc || out.length > 0 || absentSeconds === undefined) return { diagnostics: out };
  const absent = doc.absentAlerts ?? {};
  return {
    spec: {
      file: src.file,
      prometheusRule: { ...(rule.namespace !== undefined ? { namespace: rule.namespace } : {}), labels: rule.labels ?? {} },
      severities,
      // Joined as a directory: without the slash, `new URL` would replace the base's last segment.
      ...(base ? { runbookBaseUrl: base.href.endsWith('/') ? base.href : `${base.href}/` } : {}),
      absentAlerts: {
        disabled: absent.disabled ?? DEFAULT_OUTPUTS.absentAlerts.disabled,
        forSeconds: absentSeconds,
        severity: absent.severity ?? DEFAULT_OUTPUTS.absentAlerts.severity,
      },
    },
    diagnostics: [],
  };
}

/** The string fields `keys` of what was written, when the document failed its shape check. */
function strings(v: unknown, keys: readonly string[]): Record<string, string> {
  if (v === null || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => keys.includes(e[0]) && typeof e[1] === 'string' && e[1] !== ''));
}

function writtenRuleOutput(v: unknown): { namespace?: string; labels?: Record<string, string> } {
  if (v === null || typeof v !== 'object') return {};
  const { namespace, labels } = v as Record<string, unknown>;
  const strings = labels !== null && typeof labels === 'object' ? Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  return { ...(typeof namespace === 'string' ? { namespace } : {}), labels: Object.fromEntries(strings) };
}

/** Kubernetes label keys: an optional DNS-subdomain prefix and `/`, then a name of at most 63. */
function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined && !isObjectName(prefix)) {
    return `label key ${JSON.stringify(key)}: the prefix before "/" must be a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253)`;
  }
  if ((name === '' || !isLabelValue(name))) {
    return `label key ${JSON.stringify(key)}: the name must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}
