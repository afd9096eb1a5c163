import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type Load<T> = { readonly state: 'loading' } | { readonly state: 'ok'; readonly data: T } | { readonly state: 'error'; readonly error: Error };

/**
 * Runs `load` when `deps` change and holds its outcome; an answer that arrives after the deps
 * changed again is dropped, so a slow page never overwrites the one the user moved to.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Load<T> {
  return useRefreshable(load, deps).load;
}

/**
 * useLoad, plus `refresh()`: loads again while the page keeps showing what it has (no "Loading…"
 * in between), so a live update or an action's result does not move focus or scroll. Only the
 * newest answer is kept; a refresh that fails leaves the data shown.
 */
export function useRefreshable<T>(load: () => Promise<T>, deps: readonly unknown[]): { load: Load<T>; refresh: () => void } {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const latest = useRef(0);
  const run = (reset: boolean) => {
    const n = ++latest.current;
    if (reset) setResult({ state: 'loading' });
    load().then(
      (data) => n === latest.current && setResult({ state: 'ok', data }),
      (error: unknown) => n === latest.current && setResult((prev) => (!reset && prev.state === 'ok' ? prev : { state: 'error', error: error instanceof Error ? error : new Error(String(error)) })),
    );
  };
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    run(true);
    return () => {
      latest.current++;
    };
  }, deps);
  return { load: result, refresh: useCallback(() => runRef.current(false), []) };
}
