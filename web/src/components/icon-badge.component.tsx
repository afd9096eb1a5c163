/** An icon (an SVG path, optionally inside a circle) and a word: status is never told by colour alone. */
export interface BadgeIcon {
  readonly d: string;
  readonly circle?: boolean;
}

export function IconBadge(props: { class: string; icon: BadgeIcon; word: string; data: Record<string, string> }) {
  return (
    <span class={`status ${props.class}`} {...props.data}>
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        {props.icon.circle && <circle cx="8" cy="8" r="6.5" />}
        <path d={props.icon.d} />
      </svg>
      {props.word}
    </span>
  );
}
