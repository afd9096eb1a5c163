import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row shape of `audit_log`; the schema is owned by the migration. */
@Entity({ name: 'audit_log' })
export class AuditLogEntity {
  /** bigserial: pg returns int8 as a string, and it stays one (ids may exceed 2^53 in theory). */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'token_id', type: 'uuid', nullable: true })
  tokenId!: string | null;

  @Column({ type: 'text', nullable: true })
  role!: string | null;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  route!: string;

  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'int' })
  status!: number;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;
}
