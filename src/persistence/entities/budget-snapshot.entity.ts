import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Row shape of `budget_snapshots`: one SLO's budget as one cycle computed it. Schema owned by the migration. */
@Entity({ name: 'budget_snapshots' })
@Index(['service', 'slo', 'at'])
export class BudgetSnapshotEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  service!: string;

  @Column({ type: 'text' })
  slo!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'double precision', nullable: true })
  sli!: number | null;

  @Column({ type: 'double precision' })
  remaining!: number;

  @Column({ name: 'bad_events', type: 'double precision', nullable: true })
  badEvents!: number | null;

  @Column({ name: 'total_events', type: 'double precision', nullable: true })
  totalEvents!: number | null;

  @Column({ name: 'burn_rates', type: 'jsonb' })
  burnRates!: Record<string, number | null>;

  @Column({ name: 'exhaustion_at', type: 'timestamptz', nullable: true })
  exhaustionAt!: Date | null;

  @Column({ type: 'text' })
  source!: string;
}
