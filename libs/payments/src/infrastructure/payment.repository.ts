import { Injectable } from '@nestjs/common';
import { entityManagerOf, type Transaction, UnitOfWork } from '@shop/platform';
import type { PaymentRepository } from '../application/ports/payment.repository.port.js';
import type { Payment } from '../domain/payment.js';
import { PaymentEntity } from './payment.entity.js';
import { PaymentMapper } from './payment.mapper.js';

@Injectable()
export class TypeOrmPaymentRepository implements PaymentRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async findByOrderId(orderId: string): Promise<Payment | undefined> {
    const row = await this.uow.manager.findOneBy(PaymentEntity, { orderId });
    return row ? PaymentMapper.toDomain(row) : undefined;
  }

  async findForUpdate(tx: Transaction, orderId: string): Promise<Payment | undefined> {
    const manager = entityManagerOf(tx);
    // A transaction-scoped advisory lock: released by commit or rollback, and it needs no row to exist yet.
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`payments.order:${orderId}`]);
    const row = await manager.findOneBy(PaymentEntity, { orderId });
    return row ? PaymentMapper.toDomain(row) : undefined;
  }

  async add(tx: Transaction, payment: Payment): Promise<void> {
    await entityManagerOf(tx).insert(PaymentEntity, PaymentMapper.toPersistence(payment));
  }

  async save(tx: Transaction, payment: Payment): Promise<void> {
    const { id, status, declineReason, updatedAt } = PaymentMapper.toPersistence(payment);
    await entityManagerOf(tx).update(PaymentEntity, { id }, { status, declineReason, updatedAt });
  }
}
