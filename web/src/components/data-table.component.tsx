import type { ComponentChildren } from 'preact';

/**
 * A table of rows in a region of its own that scrolls sideways (a data table may, WCAG 1.4.10)
 * and can be reached with Tab, so narrow screens and 200 % zoom keep the page itself from
 * overflowing. `columns` are the header cells; the caller gives the rows.
 */
export function DataTable(props: { label: string; columns: readonly string[]; testId?: string; class?: string; children: ComponentChildren }) {
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={props.label}>
      <table class={props.class} data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
