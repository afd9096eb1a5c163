/**
 * What `vigil apply` does to each object: decided here, purely, from the desired and the current
 * state; adapters only read and write.
 */
export type ApplyAction = 'create' | 'update' | 'unchanged';

export interface ApplyStep<T> {
  readonly kind: string;
  readonly name: string;
  readonly action: ApplyAction;
  readonly desired: T;
}

/**
 * `current` holds what the server has (undefined: absent). `same` compares desired and current
 * with whatever normalisation the server needs (defaults it adds, fields it owns).
 */
export function planApply<T, C>(
  kind: string,
  desired: ReadonlyMap<string, T>,
  current: ReadonlyMap<string, C | undefined>,
  same: (desired: T, current: C) => boolean,
): ApplyStep<T>[] {
  return [...desired.keys()].sort().map((name) => {
    const want = desired.get(name)!;
    const have = current.get(name);
    const action: ApplyAction = have === undefined ? 'create' : same(want, have) ? 'unchanged' : 'update';
    return { kind, name, action, desired: want };
  });
}

export function summarise(steps: readonly ApplyStep<unknown>[]): Record<ApplyAction, number> {
  const counts: Record<ApplyAction, number> = { create: 0, update: 0, unchanged: 0 };
  for (const s of steps) counts[s.action] += 1;
  return counts;
}
