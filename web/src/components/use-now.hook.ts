import { useEffect, useState } from 'preact/hooks';
import { serverNow } from '../api/server-clock.js';

/** Vigil's time, renewed every `everyMs`: ages in a list that stays open keep counting. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
