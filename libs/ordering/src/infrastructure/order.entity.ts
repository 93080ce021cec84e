import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderLine, OrderStatus, RejectionReason, SagaStep } from '../domain/order.js';

/** bigint comes back from pg as a string; totals stay well inside Number's safe range (50 × 100 × 10^8). */
const bigintAsNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity({ schema: 'ordering', name: 'orders' })
export class OrderEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('text')
  status: OrderStatus;

  @Column('text', { name: 'saga_step' })
  sagaStep: SagaStep;

  @Column('jsonb')
  lines: OrderLine[];

  @Column('bigint', { name: 'total_cents', transformer: bigintAsNumber })
  totalCents: number;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason: RejectionReason | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
