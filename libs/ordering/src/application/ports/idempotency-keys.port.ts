import type { Transaction } from '@shop/platform';

export type KeyClaim = { claimed: true } | { claimed: false; requestHash: string; orderId: string };

/** Remembers which order an Idempotency-Key produced, per customer. */
export interface IdempotencyKeys {
  /**
   * Claims the key for `orderId` inside the caller's transaction. A concurrent claim of the same key
   * waits for this transaction and then sees it taken; a rolled-back claim frees the key again.
   */
  claim(tx: Transaction, key: { customerId: string; key: string; requestHash: string; orderId: string }): Promise<KeyClaim>;
}
