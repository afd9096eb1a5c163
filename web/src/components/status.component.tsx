import { IconBadge, type BadgeIcon } from './icon-badge.component.js';

/** Budget statuses as the API names them, plus `pending`: no cycle has stored a budget yet. */
export type UiStatus = 'healthy' | 'at-risk' | 'exhausted' | 'no-data' | 'pending';

/** Worst first: how the list sorts and what a status filter offers. */
export const STATUSES: readonly UiStatus[] = ['exhausted', 'at-risk', 'healthy', 'no-data', 'pending'];

const WORDS: Record<UiStatus, string> = {
  healthy: 'Healthy',
  'at-risk': 'At risk',
  exhausted: 'Exhausted',
  'no-data': 'No data',
  pending: 'Pending',
};

/** One shape per status, so the word, the shape and the colour each tell it alone. */
const ICONS: Record<UiStatus, BadgeIcon> = {
  healthy: { d: 'M4 8.5l3 3 5-7' }, // a tick
  'at-risk': { d: 'M8 2l6.5 12h-13zM8 6.5v3.5M8 12v.5' }, // a warning triangle
  exhausted: { d: 'M4 4l8 8M12 4l-8 8' }, // a cross
  'no-data': { d: 'M6 6a2 2 0 1 1 2.5 2c-.5.3-.5.7-.5 1.5M8 12v.5' }, // a question mark
  pending: { d: 'M8 3v5l3 2', circle: true }, // a clock
};

export function statusWord(status: UiStatus): string {
  return WORDS[status];
}

export function StatusBadge(props: { status: UiStatus }) {
  return <IconBadge class={`status-${props.status}`} icon={ICONS[props.status]} word={WORDS[props.status]} data={{ 'data-status': props.status }} />;
}
