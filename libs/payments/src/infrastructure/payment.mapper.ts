import { Payment } from '../domain/payment.js';
import { PaymentEntity } from './payment.entity.js';

export const PaymentMapper = {
  toDomain(row: PaymentEntity): Payment {
    return Payment.restore({
      id: row.id,
      orderId: row.orderId,
      customerId: row.customerId,
      amountCents: row.amountCents,
      status: row.status,
      declineReason: row.declineReason,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  },

  toPersistence(payment: Payment): PaymentEntity {
    return Object.assign(new PaymentEntity(), payment.snapshot());
  },
};
