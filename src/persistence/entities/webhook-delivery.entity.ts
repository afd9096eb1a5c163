import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

/** Row shape of `webhook_deliveries`: one event for one endpoint, stored before any attempt. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDeliveryEntity {
  /** Chosen before insert: it is also the payload's `id` inside `body`. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** The exact bytes every attempt sends and signs. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  /** Attempts started (each recorded in webhook_attempts before its request went out). When the next is due is the jobs table's. */
  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
