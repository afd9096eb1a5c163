import { useEffect } from 'preact/hooks';

/**
 * Calls `refresh` every `everyMs` while `active`: for pages whose data changes on its own for a
 * while (a drill run in progress) and not otherwise, so an idle page costs the server nothing.
 */
export function usePolling(refresh: () => void, everyMs: number, active: boolean): void {
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(refresh, everyMs);
    return () => clearInterval(timer);
  }, [refresh, everyMs, active]);
}
