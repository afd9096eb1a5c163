import type { PolicySnapshot } from '../model/page-target.js';
import { firstStep, nextStep, parseStepKey, stepKey, type EscalationStep } from './escalation-plan.js';

const START = new Date('2026-11-29T10:00:00Z');
const snapshot = (over: Partial<PolicySnapshot> = {}): PolicySnapshot => ({
  route: 'r',
  policy: 'p',
  urgency: 'high',
  resolvedAt: START.toISOString(),
  levels: [
    { level: 1, afterSeconds: 0, targets: [], onCall: {} },
    { level: 2, afterSeconds: 900, targets: [], onCall: {} },
  ],
  repeat: 1,
  repeatAfterSeconds: 600,
  ackTimeoutSeconds: null,
  fallback: [],
  ...over,
});

function walk(s: PolicySnapshot): string[] {
  const out: string[] = [];
  let step: EscalationStep | null = firstStep(s, 3, START);
  while (step) {
    out.push(`c${step.cycle} l${step.levelIndex + 1} +${(step.dueAt.getTime() - START.getTime()) / 1000}`);
    step = nextStep(s, step, START);
  }
  return out;
}

describe('escalation plan', () => {
  it('walks the levels at their offsets, repeats after the last level, then ends', () => {
    // Cycle length: last level at 900 s + 600 s repeat gap = 1500 s.
    expect(walk(snapshot())).toEqual(['c0 l1 +0', 'c0 l2 +900', 'c1 l1 +1500', 'c1 l2 +2400']);
  });

  it('repeat 0 escalates once', () => {
    expect(walk(snapshot({ repeat: 0 }))).toEqual(['c0 l1 +0', 'c0 l2 +900']);
  });

  it('low urgency notifies level 1 and never escalates', () => {
    expect(walk(snapshot({ urgency: 'low' }))).toEqual(['c0 l1 +0']);
  });

  it('a policy without levels has no step', () => {
    expect(firstStep(snapshot({ levels: [] }), 1, START)).toBeNull();
  });

  it.each([
    ['42', { generation: 3, cycle: 1, levelIndex: 1 }, '42:3:1:2'],
    ['7', { generation: 1, cycle: 0, levelIndex: 0 }, '7:1:0:1'],
  ])('step key of incident %s round-trips', (id, step, key) => {
    expect(stepKey(id, step)).toBe(key);
    expect(parseStepKey(key)).toEqual({ incidentId: id, ...step });
  });
});
