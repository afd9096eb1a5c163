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

export interface IndexTemplate {
  readonly name: string;
  readonly description: string;
  readonly indexPatterns: readonly string[];
  readonly policy: string;
  readonly priority: number;
  readonly dataStream: boolean;
  readonly at: { readonly template: SourcePos; readonly patterns: SourcePos };
}

export interface RetentionSpec {
  readonly file: string;
  readonly policies: readonly RetentionPolicy[];
  readonly templates: readonly IndexTemplate[];
}
