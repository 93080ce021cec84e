import { Injectable } from '@nestjs/common';
import { entityManagerOf, type Transaction } from '@shop/platform';
import type { ClosedOrderRepository } from '../application/ports/closed-order.repository.port.js';
import { ClosedOrderEntity } from './closed-order.entity.js';

@Injectable()
export class TypeOrmClosedOrderRepository implements ClosedOrderRepository {
  async close(tx: Transaction, orderId: string): Promise<void> {
    // Cancelling twice keeps the first tombstone.
    await entityManagerOf(tx)
      .createQueryBuilder()
      .insert()
      .into(ClosedOrderEntity)
      .values({ orderId, closedAt: new Date() })
      .orIgnore()
      .execute();
  }

  async isClosed(tx: Transaction, orderId: string): Promise<boolean> {
    return entityManagerOf(tx).existsBy(ClosedOrderEntity, { orderId });
  }
}
