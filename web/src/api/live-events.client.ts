import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.client.js';

/** What a page hears: an incident changed (anywhere), or "read afresh" (the stream (re)started listening). */
export type LiveEvent = { readonly kind: 'incident'; readonly id: string } | { readonly kind: 'resync' };
export type LiveState = 'connecting' | 'live' | 'paused';

const listeners = new Set<(e: LiveEvent) => void>();
const stateListeners = new Set<(s: LiveState) => void>();
let source: EventSource | null = null;
let state: LiveState = 'connecting';
let retry: ReturnType<typeof setTimeout> | undefined;

function setState(next: LiveState): void {
  state = next;
  stateListeners.forEach((l) => l(next));
}

/**
 * One EventSource on GET /api/events per tab, shared by every page that listens, opened while any
 * does. EventSource reconnects by itself after a dropped connection; a refused one (401 after a
 * sign-out, 503) it gives up on, so then the session is asked (a 401 shows the sign-in page) and
 * the stream is opened again a little later.
 */
function open(): void {
  clearTimeout(retry);
  const s = new EventSource('/api/events');
  source = s;
  setState('connecting');
  s.addEventListener('ready', () => {
    setState('live');
    listeners.forEach((l) => l({ kind: 'resync' }));
  });
  s.addEventListener('incident', (m) => {
    const id = (JSON.parse((m as MessageEvent<string>).data) as { id: string }).id;
    listeners.forEach((l) => l({ kind: 'incident', id }));
  });
  s.addEventListener('signed-out', () => void api.session().catch(() => undefined));
  s.addEventListener('error', () => {
    setState('paused');
    if (s.readyState !== EventSource.CLOSED) return;
    void api.session().catch(() => undefined);
    retry = setTimeout(() => listeners.size > 0 && source === s && open(), 5_000);
  });
}

function close(): void {
  clearTimeout(retry);
  source?.close();
  source = null;
  setState('connecting');
}

/** Calls `onEvent` for every live event while the component is mounted. */
export function useLiveEvents(onEvent: (e: LiveEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const l = (e: LiveEvent) => handler.current(e);
    listeners.add(l);
    if (!source) open();
    return () => {
      listeners.delete(l);
      if (listeners.size === 0) close();
    };
  }, []);
}

export function useLiveState(): LiveState {
  const [s, set] = useState(state);
  useEffect(() => {
    stateListeners.add(set);
    set(state);
    return () => void stateListeners.delete(set);
  }, []);
  return s;
}

/**
 * Refreshes a page when a live event `concerns` it: at most once per `ms`, so a storm of changes
 * (an escalation paging ten people) is one reload, not ten.
 */
export function useLiveRefresh(refresh: () => void, concerns: (e: LiveEvent) => boolean = () => true, ms = 300): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useLiveEvents((e) => {
    if (!concerns(e) || timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      refresh();
    }, ms);
  });
}
