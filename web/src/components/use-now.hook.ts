import { useCallback, useState } from 'preact/hooks';
import { serverNow } from '../api/server-clock.js';
import { usePolling } from '../api/use-polling.hook.js';

/** Vigil's time, renewed every `everyMs`: ages in a list that stays open keep counting. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(serverNow());
  usePolling(useCallback(() => setNow(serverNow()), []), everyMs, true);
  return now;
}
