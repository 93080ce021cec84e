import { Injectable } from '@nestjs/common';
import { entityManagerOf, type Transaction } from '@shop/platform';
import type { IdempotencyKeys, KeyClaim } from '../application/ports/idempotency-keys.port.js';

@Injectable()
export class SqlIdempotencyKeys implements IdempotencyKeys {
  async claim(tx: Transaction, key: { customerId: string; key: string; requestHash: string; orderId: string }): Promise<KeyClaim> {
    // ON CONFLICT waits for a concurrent claimer's transaction, so the loser reads the winner's row.
    const inserted: unknown[] = await entityManagerOf(tx).query(
      `INSERT INTO ordering.idempotency_keys (customer_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id, key) DO NOTHING RETURNING order_id`,
      [key.customerId, key.key, key.requestHash, key.orderId],
    );
    if (inserted.length > 0) return { claimed: true };
    const [existing]: Array<{ request_hash: string; order_id: string }> = await entityManagerOf(tx).query(
      'SELECT request_hash, order_id FROM ordering.idempotency_keys WHERE customer_id = $1 AND key = $2',
      [key.customerId, key.key],
    );
    return { claimed: false, requestHash: existing!.request_hash, orderId: existing!.order_id };
  }
}
