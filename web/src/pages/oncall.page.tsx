import type { OnCallNow } from '../../../src/modules/web/api-types.js';
import { api } from '../api/api.client.js';
import { useLoad } from '../api/use-load.hook.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { ShiftBar } from '../components/shift-bar.component.js';
import { zonedTime } from '../format.js';

/** Who is on call now for each schedule, the next hand-offs, overrides and the next two weeks: all computed by the API from the OnCall spec. */
export function OnCallPage() {
  const load = useLoad(() => api.oncall(), []);
  return (
    <>
      <PageHeading title="On call" />
      <LoadState load={load} what="the schedules" />
      {load.state === 'ok' && load.data.schedules.length === 0 && <p>No schedules: the OnCall spec defines none.</p>}
      {load.state === 'ok' && load.data.schedules.map((s) => <ScheduleView key={s.schedule} s={s} />)}
    </>
  );
}

function ScheduleView({ s }: { s: OnCallNow }) {
  const zone = s.timeZone;
  const names = (people: readonly { displayName: string }[]) => (people.length ? people.map((p) => p.displayName).join(', ') : 'Nobody');
  // Every shift after the current one starts with a hand-off (the API's nextHandoffs, with display names).
  const handoffs = s.shifts.slice(1);
  return (
    <section class="schedule" aria-labelledby={`schedule-${s.schedule}`} data-schedule={s.schedule}>
      <h2 id={`schedule-${s.schedule}`}>
        {s.schedule} <span class="muted">({zone})</span>
      </h2>
      <p class="now" data-testid="on-call-now">
        <strong>{names(s.onCall)}</strong> {s.source === 'override' ? '(override)' : s.rotation ? `(rotation ${s.rotation})` : ''}
        {s.shift.until ? `, until ${zonedTime(s.shift.until, zone)}` : ''}
      </p>
      <h3>Next hand-offs</h3>
      {handoffs.length === 0 ? (
        <p>None in the next two weeks.</p>
      ) : (
        <ul class="handoffs" data-testid="handoffs">
          {handoffs.slice(0, 5).map((h) => (
            <li key={h.from}>
              {zonedTime(h.from, zone)}: {names(h.onCall)} {h.source === 'override' && '(override)'}
            </li>
          ))}
        </ul>
      )}
      <h3>Overrides</h3>
      {s.overrides.length === 0 ? (
        <p>None in the next two weeks.</p>
      ) : (
        <ul class="overrides" data-testid="overrides">
          {s.overrides.map((o) => (
            <li key={`${o.person.name}-${o.from}`}>
              {o.person.displayName}: {zonedTime(o.from, zone)} to {zonedTime(o.to, zone)} {o.active && <strong>(in force now)</strong>}
            </li>
          ))}
        </ul>
      )}
      <h3>Next two weeks</h3>
      <ShiftBar schedule={s.schedule} shifts={s.shifts} timeZone={zone} />
    </section>
  );
}
