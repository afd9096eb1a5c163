import type { VerdictStatus } from '../../../src/modules/web/api-types.js';
import { IconBadge, type BadgeIcon } from './icon-badge.component.js';

/** A drill run's verdict, or `running` while it has none: word and shape, as the printed report says it. */
export type RunState = VerdictStatus | 'running';

const WORDS: Record<RunState, string> = { PASS: 'Pass', FAIL: 'Fail', ABORTED: 'Aborted', INCONCLUSIVE: 'Inconclusive', running: 'Running' };
const ICONS: Record<RunState, BadgeIcon> = {
  PASS: { d: 'M4 8.5l3 3 5-7' }, // a tick
  FAIL: { d: 'M4 4l8 8M12 4l-8 8' }, // a cross
  ABORTED: { d: 'M4.5 4.5h7v7h-7z' }, // a square: stopped
  INCONCLUSIVE: { d: 'M6 6a2 2 0 1 1 2.5 2c-.5.3-.5.7-.5 1.5M8 12v.5' }, // a question mark
  running: { d: 'M8 3v5l3 2', circle: true }, // a clock
};
const CLASSES: Record<RunState, string> = { PASS: 'status-healthy', FAIL: 'status-exhausted', ABORTED: 'status-at-risk', INCONCLUSIVE: 'status-at-risk', running: 'status-no-data' };

export function VerdictBadge(props: { verdict: VerdictStatus | null }) {
  const state: RunState = props.verdict ?? 'running';
  return <IconBadge class={CLASSES[state]} icon={ICONS[state]} word={WORDS[state]} data={{ 'data-verdict': state }} />;
}
