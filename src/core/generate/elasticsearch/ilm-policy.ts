import type { estypes } from '@elastic/elasticsearch';
import { compareText } from '../../compare-text.js';
import { esDuration } from '../../duration.js';
import type { RetentionPhase, RetentionPolicy } from '../../model/retention.js';

/** Body of `PUT _ilm/policy/<name>`; typed by the client so a misspelt field fails the build. */
export type IlmPolicyBody = Required<Pick<estypes.IlmPutLifecycleRequest, 'policy'>>;

/** Keys are written in one fixed order (meta first, phases in lifecycle order) so output is byte-stable. */
export function ilmPolicyBody(policy: RetentionPolicy, meta: estypes.Metadata): IlmPolicyBody {
  const phases: estypes.IlmPhases = {};
  for (const phase of policy.phases) phases[phase.name] = ilmPhase(phase);
  return { policy: { _meta: meta, phases } };
}

function ilmPhase(phase: RetentionPhase): estypes.IlmPhase {
  const actions: estypes.IlmActions = {};
  if (phase.rollover) {
    const r = phase.rollover;
    const rollover: estypes.IlmRolloverAction = {};
    if (r.maxAgeSeconds !== undefined) rollover.max_age = esDuration(r.maxAgeSeconds);
    if (r.maxPrimaryShardSize !== undefined) rollover.max_primary_shard_size = r.maxPrimaryShardSize;
    if (r.maxDocs !== undefined) rollover.max_docs = r.maxDocs;
    if (r.maxPrimaryShardDocs !== undefined) rollover.max_primary_shard_docs = r.maxPrimaryShardDocs;
    actions.rollover = rollover;
  }
  if (phase.setPriority !== undefined) actions.set_priority = { priority: phase.setPriority };
  if (phase.allocate) {
    const a = phase.allocate;
    const allocate: estypes.IlmAllocateAction = {};
    if (a.numberOfReplicas !== undefined) allocate.number_of_replicas = a.numberOfReplicas;
    if (a.include) allocate.include = sorted(a.include);
    if (a.exclude) allocate.exclude = sorted(a.exclude);
    if (a.require) allocate.require = sorted(a.require);
    actions.allocate = allocate;
  }
  if (phase.shrink) {
    const s = phase.shrink;
    actions.shrink =
      s.numberOfShards !== undefined ? { number_of_shards: s.numberOfShards } : { max_primary_shard_size: s.maxPrimaryShardSize! };
  }
  if (phase.forcemerge) actions.forcemerge = { max_num_segments: phase.forcemerge.maxNumSegments };
  if (phase.readonly) actions.readonly = {};
  if (phase.searchableSnapshot !== undefined) actions.searchable_snapshot = { snapshot_repository: phase.searchableSnapshot };
  if (phase.name === 'delete') actions.delete = {};
  return { min_age: esDuration(phase.minAgeSeconds), actions };
}

function sorted(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => compareText(a, b)));
}
