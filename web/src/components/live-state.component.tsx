import { useLiveState } from '../api/live-events.client.js';

const WORDS = { connecting: 'Connecting live updates…', live: 'Live: changes appear as they happen', paused: 'Live updates paused; reconnecting…' } as const;

/** Whether the page follows changes made elsewhere, in words (a dot's colour alone would not say it). */
export function LiveStateNote() {
  const s = useLiveState();
  return (
    <p class={`live live-${s}`} data-live={s}>
      <span aria-hidden="true">{s === 'live' ? '●' : '○'}</span> {WORDS[s]}
    </p>
  );
}
