import type { PolicySnapshot } from '../model/page-target.js';

/**
 * When each escalation step is due. Levels are offsets from the start of a cycle; after the last
 * level the cycle repeats `repeat` more times, `repeatAfterSeconds` after that level. A step is
 * identified by (generation, cycle, level): a new generation starts whenever escalation restarts
 * (trigger, re-open, acknowledgement timed out), so a step left from an older one does nothing.
 */
export interface EscalationStep {
  readonly generation: number;
  /** 0-based: 0 is the first pass through the levels. */
  readonly cycle: number;
  /** 0-based index into snapshot.levels. */
  readonly levelIndex: number;
  readonly dueAt: Date;
}

export function cycleSeconds(snapshot: PolicySnapshot): number {
  const last = snapshot.levels[snapshot.levels.length - 1];
  return (last?.afterSeconds ?? 0) + snapshot.repeatAfterSeconds;
}

export function stepDueAt(snapshot: PolicySnapshot, startedAt: Date, cycle: number, levelIndex: number): Date {
  const offset = cycle * cycleSeconds(snapshot) + snapshot.levels[levelIndex]!.afterSeconds;
  return new Date(startedAt.getTime() + offset * 1000);
}

export function firstStep(snapshot: PolicySnapshot, generation: number, startedAt: Date): EscalationStep | null {
  if (snapshot.levels.length === 0) return null;
  return { generation, cycle: 0, levelIndex: 0, dueAt: stepDueAt(snapshot, startedAt, 0, 0) };
}

/** The step after `step`, or null when the policy is exhausted. Low urgency never escalates past level 1. */
export function nextStep(snapshot: PolicySnapshot, step: EscalationStep, startedAt: Date): EscalationStep | null {
  if (snapshot.urgency === 'low') return null;
  let { cycle, levelIndex } = step;
  levelIndex += 1;
  if (levelIndex >= snapshot.levels.length) {
    levelIndex = 0;
    cycle += 1;
    if (cycle > snapshot.repeat) return null;
  }
  return { generation: step.generation, cycle, levelIndex, dueAt: stepDueAt(snapshot, startedAt, cycle, levelIndex) };
}

/** The job key of a step: unique per incident, generation, cycle and level, so scheduling it twice is a no-op. */
export function stepKey(incidentId: string, step: Pick<EscalationStep, 'generation' | 'cycle' | 'levelIndex'>): string {
  return `${incidentId}:${step.generation}:${step.cycle}:${step.levelIndex + 1}`;
}

export function parseStepKey(key: string): { incidentId: string; generation: number; cycle: number; levelIndex: number } | undefined {
  const m = /^(.+):(\d+):(\d+):(\d+)$/.exec(key);
  if (!m) return undefined;
  return { incidentId: m[1]!, generation: Number(m[2]), cycle: Number(m[3]), levelIndex: Number(m[4]) - 1 };
}
