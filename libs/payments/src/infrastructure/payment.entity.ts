import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentStatus } from '../domain/payment.js';

@Entity({ schema: 'payments', name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'order_id' })
  orderId: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('integer', { name: 'amount_cents' })
  amountCents: number;

  @Column('text')
  status: PaymentStatus;

  @Column('text', { name: 'decline_reason', nullable: true })
  declineReason: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
