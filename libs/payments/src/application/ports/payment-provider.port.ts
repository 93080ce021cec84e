import type { ChargeOutcome } from '../../domain/charge-outcome.js';

/** The outside party that moves the money. Simulated in this shop; a real gateway would sit behind the same port. */
export interface PaymentProvider {
  charge(charge: { orderId: string; amountCents: number }): Promise<ChargeOutcome>;
}
