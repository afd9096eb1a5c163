import { cron, every } from './recurrence.js';
import { MAX_MISSED_ROWS, planSlots } from './slot-plan.js';

const t = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('planSlots', () => {
  it.each([
    ['a new schedule runs its current slot', null, '2026-11-29T10:00:30Z', '2026-11-29T10:00:00.000Z', []],
    ['the slot after the last one runs, nothing missed', '2026-11-29T10:00:00Z', '2026-11-29T10:01:05Z', '2026-11-29T10:01:00.000Z', []],
    ['a slot already created is not created again', '2026-11-29T10:01:00Z', '2026-11-29T10:01:59Z', null, []],
    ['a clock behind the last slot (another replica ahead) creates nothing', '2026-11-29T10:02:00Z', '2026-11-29T10:01:30Z', null, []],
    [
      'three slots with every replica down are missed; only the current one runs',
      '2026-11-29T10:00:00Z',
      '2026-11-29T10:04:10Z',
      '2026-11-29T10:04:00.000Z',
      ['2026-11-29T10:01:00.000Z', '2026-11-29T10:02:00.000Z', '2026-11-29T10:03:00.000Z'],
    ],
  ])('%s', (_, last, now, due, missed) => {
    const p = planSlots(every(60), last === null ? null : t(last), t(now));
    expect(iso(p.due)).toBe(due);
    expect(p.missed.map((d) => d.toISOString())).toEqual(missed);
    expect(p.missedTotal).toBe(missed.length);
  });

  it('a new hourly interval schedule runs its current slot at once, 40 minutes into it', () => {
    expect(iso(planSlots(every(3600), null, t('2026-11-29T10:40:00Z')).due)).toBe('2026-11-29T10:00:00.000Z');
  });

  it('a new daily schedule defined hours after its slot waits for the next one, missing nothing', () => {
    const p = planSlots(cron('0 9 * * *', 'Europe/Berlin'), null, t('2026-11-29T14:00:00Z'));
    expect(p).toEqual({ due: null, missed: [], missedTotal: 0 });
    expect(iso(planSlots(cron('0 9 * * *', 'Europe/Berlin'), null, t('2026-11-30T08:00:59Z')).due)).toBe('2026-11-30T08:00:00.000Z');
  });

  it('records at most MAX_MISSED_ROWS rows of a long outage, and counts the rest', () => {
    const p = planSlots(every(1), t('2026-11-28T00:00:00Z'), t('2026-11-29T00:00:00Z'));
    expect(p.missed).toHaveLength(MAX_MISSED_ROWS);
    expect(p.missedTotal).toBe(86400 - 1);
    expect(iso(p.missed.at(-1)!)).toBe('2026-11-28T23:59:59.000Z');
  });
});
