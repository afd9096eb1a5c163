import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row shape of `webhook_endpoints`; the schema is owned by the migration. */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  url!: string;

  /** HMAC key; read only to sign, never returned by the API or logged. */
  @Column({ type: 'text' })
  secret!: string;

  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
