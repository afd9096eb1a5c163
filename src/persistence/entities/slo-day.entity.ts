import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Row shape of `slo_days`: one SLO's events and time in each status over one UTC day. Monthly
 * reports read these, so they outlive both the snapshots and Prometheus's own retention.
 */
@Entity({ name: 'slo_days' })
export class SloDayEntity {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ type: 'text' })
  service!: string;

  @PrimaryColumn({ type: 'text' })
  slo!: string;

  @Column({ type: 'double precision' })
  bad!: number;

  @Column({ type: 'double precision' })
  total!: number;

  @Column({ name: 'seconds_observed', type: 'double precision' })
  secondsObserved!: number;

  @Column({ name: 'seconds_at_risk', type: 'double precision' })
  secondsAtRisk!: number;

  @Column({ name: 'seconds_exhausted', type: 'double precision' })
  secondsExhausted!: number;

  /** Counted over the whole day after it ended (not a running total). */
  @Column({ type: 'boolean' })
  final!: boolean;
}
