import { Order, type OrderLine, type OrderStatus, type RejectionReason, type SagaStep } from '../domain/order.js';
import { OrderEntity } from './order.entity.js';

/** A row of ordering.orders as pg answers it (bigint as a string). */
export interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  saga_step: SagaStep;
  lines: OrderLine[];
  total_cents: string;
  rejection_reason: RejectionReason | null;
  created_at: Date;
  updated_at: Date;
}

export const OrderMapper = {
  toDomain: (entity: OrderEntity): Order => Order.restore({ ...entity }),
  fromRow: (row: OrderRow): Order =>
    Order.restore({
      id: row.id,
      customerId: row.customer_id,
      status: row.status,
      sagaStep: row.saga_step,
      lines: row.lines,
      totalCents: Number(row.total_cents),
      rejectionReason: row.rejection_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }),
};
