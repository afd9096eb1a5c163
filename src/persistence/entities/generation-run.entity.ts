import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row shape of `generation_runs`; the schema itself is owned by the migration, never synchronised. */
@Entity({ name: 'generation_runs' })
export class GenerationRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'spec_files', type: 'int' })
  specFiles!: number;

  @Column({ type: 'int' })
  services!: number;

  @Column({ type: 'int' })
  slos!: number;

  @Column({ type: 'int' })
  rules!: number;

  @Column({ type: 'jsonb' })
  diagnostics!: { file: string; line: number; col: number; message: string }[];

  @Column({ type: 'boolean' })
  ok!: boolean;

  @Column({ name: 'changed_files', type: 'jsonb' })
  changedFiles!: string[];
}
