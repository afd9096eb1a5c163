import type { OnCallNow } from '../../../src/modules/web/api-types.js';
import { zonedTime } from '../format.js';
import { DataTable } from './data-table.component.js';

type Shift = OnCallNow['shifts'][number];

/** A few fills that differ in lightness too, so neighbouring shifts stay apart in greyscale; the names are written on them anyway. */
const FILLS = ['#dbeafe', '#fde68a', '#bbf7d0', '#fbcfe8', '#e9d5ff', '#fed7aa'];

/**
 * The next two weeks at a glance: one bar, each shift as wide as it is long, with who is on call
 * written on it. The shifts are also a table (the bar is hidden from screen readers); `data-*`
 * carries what the API gave, so a test can compare.
 */
export function ShiftBar(props: { schedule: string; shifts: readonly Shift[]; timeZone: string }) {
  const start = Date.parse(props.shifts[0]?.from ?? '');
  const span = Date.parse(props.shifts.at(-1)?.until ?? '') - start;
  const names = [...new Set(props.shifts.flatMap((s) => s.onCall.map((p) => p.name)))].sort();
  const who = (s: Shift) => (s.onCall.length ? s.onCall.map((p) => p.displayName).join(', ') : 'nobody');
  return (
    <>
      <div class="shift-bar" aria-hidden="true">
        {props.shifts.map((s) => {
          const width = ((Date.parse(s.until) - Date.parse(s.from)) / span) * 100;
          const fill = s.onCall.length ? FILLS[names.indexOf(s.onCall[0]!.name) % FILLS.length] : '#fff';
          return (
            <span key={s.from} class={`shift shift-${s.source}`} style={{ width: `${width}%`, backgroundColor: fill }} title={`${who(s)}: ${zonedTime(s.from, props.timeZone)} to ${zonedTime(s.until, props.timeZone)}`}>
              {who(s)}
            </span>
          );
        })}
      </div>
      <DataTable label={`${props.schedule}: shifts in the next two weeks`} class="shifts" testId="shifts" columns={['From', 'Until', 'On call', 'Why']}>
            {props.shifts.map((s) => (
              <tr key={s.from} data-from={s.from} data-until={s.until} data-people={s.onCall.map((p) => p.name).join(',')}>
                <td>{zonedTime(s.from, props.timeZone)}</td>
                <td>{zonedTime(s.until, props.timeZone)}</td>
                <th scope="row">{who(s)}</th>
                <td>{s.source === 'override' ? 'override' : s.source === 'rotation' ? 'rotation' : 'nobody scheduled'}</td>
              </tr>
            ))}
      </DataTable>
    </>
  );
}
