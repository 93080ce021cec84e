import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tombstone: this order was cancelled, so a payment request arriving later must not take money. */
@Entity({ schema: 'payments', name: 'closed_orders' })
export class ClosedOrderEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId: string;

  @Column('timestamptz', { name: 'closed_at' })
  closedAt: Date;
}
