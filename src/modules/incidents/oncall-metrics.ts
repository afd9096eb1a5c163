import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { onCallAt } from '../../core/oncall/schedule.js';
import { Clock } from '../../core/ports/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OnCallSpecService } from './oncall-spec.service.js';

/**
 * `vigil_oncall_current{schedule,person}`: 1 for whoever each schedule puts on call at this scrape
 * (overrides included), from the loaded OnCall spec and the same schedule arithmetic that pages.
 * No series for a schedule with nobody on call, so `vigil_oncall_current == 1` lists the people.
 */
@Injectable()
export class OnCallMetrics {
  constructor(metrics: MetricsService, oncall: OnCallSpecService, clock: Clock) {
    new Gauge({
      name: 'vigil_oncall_current',
      help: '1 for each person a schedule puts on call now (overrides included)',
      labelNames: ['schedule', 'person'] as const,
      registers: [metrics.registry],
      collect() {
        this.reset();
        const now = clock.now();
        for (const schedule of oncall.current().schedules) {
          for (const person of onCallAt(schedule, now).people) this.set({ schedule: schedule.name, person }, 1);
        }
      },
    });
  }
}
