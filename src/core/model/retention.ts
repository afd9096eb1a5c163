import type { SourcePos } from '../diagnostics.js';

/**
 * Elasticsearch log retention as the generators read it: ILM policies with their phases in
 * lifecycle order and durations in seconds, and the index templates that bind them to index
 * patterns. Filled by definitions/retention.parser.ts from a `kind: Retention` document
 * (docs/retention-spec.md).
 */

/** ILM's own phase order; an index moves through them in this order only. */
export const PHASES = ['hot', 'warm', 'cold', 'frozen', 'delete'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface Rollover {
  readonly maxAgeSeconds?: number;
  readonly maxPrimaryShardSize?: string;
  readonly maxDocs?: number;
  readonly maxPrimaryShardDocs?: number;
}

export interface RetentionPhase {
  readonly name: PhaseName;
  /** Age (since rollover, or creation when there is none) at which the index enters the phase. */
  readonly minAgeSeconds: number;
  readonly rollover?: Rollover;
  readonly forcemerge?: { readonly maxNumSegments: number };
  readonly shrink?: { readonly numberOfShards?: number; readonly maxPrimaryShardSize?: string };
  readonly allocate?: {
    readonly numberOfReplicas?: number;
    readonly include?: Readonly<Record<string, string>>;
    readonly exclude?: Readonly<Record<string, string>>;
    readonly require?: Readonly<Record<string, string>>;
  };
  readonly readonly: boolean;
  readonly setPriority?: number;
  /** Snapshot repository of the frozen phase's searchable snapshot. */
  readonly searchableSnapshot?: string;
}

export interface RetentionPolicy {
  readonly name: string;
  readonly description: string;
  /** In lifecycle order: hot, warm, cold, frozen, delete. */
  readonly phases: readonly RetentionPhase[];
  readonly at: SourcePos;
}

/**
 * The data stream types Elasticsearch ships templates for that compose a `<type>@custom`
 * component template (data streams are named `<type>-<dataset>-<namespace>`).
 */
export const DATA_STREAM_TYPES = ['logs', 'metrics', 'traces'] as const;
export type DataStreamType = (typeof DATA_STREAM_TYPES)[number];

/**
 * The component templates Elasticsearch's own template for each type is composed of, in its
 * order, so a template of ours that wins over it loses none of its mappings or settings.
 * Sources (github.com/elastic/elasticsearch, x-pack/plugin/core/template-resources/src/main/resources):
 * logs@template.json @ 3caa25b3cea21f9638e8c40fd7fbc4885406f999, metrics@template.json @
 * 47d8204f640785ad463ed31d85dcba3074fb2fa2. Elasticsearch has no `traces-*-*` template: the
 * traces list is the generic part of x-pack/plugin/otel-data/…/traces-otel@template.yaml @
 * 3b8078d946e40795b3b900f7fde72bf6abf7b1ec (traces@mappings and traces@settings are installed
 * by the stack template registry; the OpenTelemetry-specific ones are left out).
 */
export const BUILTIN_COMPOSITION: Readonly<Record<DataStreamType, readonly string[]>> = {
  logs: ['logs@mappings', 'logs@settings', 'logs@custom', 'ecs@mappings'],
  metrics: ['metrics@mappings', 'data-streams@mappings', 'metrics@settings', 'metrics@custom'],
  traces: ['traces@mappings', 'traces@settings', 'traces@custom', 'ecs@mappings'],
};

/** ECS dynamic mappings, installed with Elasticsearch's stack templates; composed by our own patterns. */
export const ECS_MAPPINGS = 'ecs@mappings';

/**
 * Patterns of Elasticsearch's built-in templates (priority 100) and of the Fleet integration
 * templates inside them (priority up to 200), from Elastic's "Avoid index pattern collisions"
 * (docs-content manage-data/data-store/templates.md @ dc8589f3a7a845fef500c9a0b135d74588807edf),
 * plus the traces-*-* family the APM and OpenTelemetry templates live in. A template overlapping
 * them needs a priority above 500 (the same page) so it can neither tie with one nor lose to one.
 */
export const BUILTIN_PATTERNS: readonly string[] = [
  '.kibana-reporting*',
  'logs-*-*',
  'metrics-*-*',
  'traces-*-*',
  'synthetics-*-*',
  'profiling-*',
  'security_solution-*-*',
];
export const MIN_OVERLAPPING_PRIORITY = 501;

/**
 * Names of Elasticsearch's own index templates (x-pack/plugin/stack StackTemplateRegistry.java @
 * ee037bb0ad740269e797052ee08f455b68ca37de) that a Vigil name could take: a PUT under one replaces
 * it. Its other templates' names contain `@` or start with `.`, which Vigil's names cannot.
 */
export const BUILTIN_TEMPLATE_NAMES: readonly string[] = ['logs', 'metrics', 'synthetics'];

export interface IndexTemplate {
  readonly name: string;
  readonly description: string;
  readonly indexPatterns: readonly string[];
  readonly policy: string;
  readonly priority: number;
  readonly dataStream: boolean;
  /** Set when the patterns lie inside a built-in type's: the template composes that type's components. */
  readonly type?: DataStreamType;
  readonly at: { readonly template: SourcePos; readonly patterns: SourcePos };
}

/** `<type>@custom`: Vigil's settings inside Elasticsearch's own template for the type. */
export interface CustomTemplate {
  readonly type: DataStreamType;
  readonly description: string;
  readonly policy: string;
  readonly at: SourcePos;
}

export interface RetentionSpec {
  readonly file: string;
  readonly policies: readonly RetentionPolicy[];
  readonly custom: readonly CustomTemplate[];
  readonly templates: readonly IndexTemplate[];
}
