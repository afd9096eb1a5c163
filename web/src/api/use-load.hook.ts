import { useEffect, useState } from 'preact/hooks';

export type Load<T> = { readonly state: 'loading' } | { readonly state: 'ok'; readonly data: T } | { readonly state: 'error'; readonly error: Error };

/**
 * Runs `load` when `deps` change and holds its outcome; an answer that arrives after the deps
 * changed again is dropped, so a slow page never overwrites the one the user moved to.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Load<T> {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setResult({ state: 'loading' });
    load().then(
      (data) => current && setResult({ state: 'ok', data }),
      (error: unknown) => current && setResult({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return result;
}
