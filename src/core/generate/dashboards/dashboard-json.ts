import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';

/** Keys first in the file: the marker in `description` must sit near the top for ownership checks. */
const LEADING_KEYS = ['uid', 'title', 'description', 'tags'] as const;

/**
 * The one place dashboards become text: 2-space JSON with a trailing newline, the identifying keys
 * first, and panel ids numbered in layout order (the SDK leaves them out; Grafana needs them
 * unique for links and repeats, and numbering them here keeps the output stable).
 */
export function dashboardJson(builder: Builder<Dashboard>): string {
  const built = builder.build();
  const ordered: Record<string, unknown> = {};
  for (const k of LEADING_KEYS) if (built[k] !== undefined) ordered[k] = built[k];
  Object.assign(ordered, built);
  let next = 1;
  const number = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const p of panels as Record<string, unknown>[]) {
      p.id = next++;
      number(p.panels);
    }
  };
  number(ordered.panels);
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
