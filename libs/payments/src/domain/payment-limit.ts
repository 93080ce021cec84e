import { CAPTURED, declined, DeclineReason, type ChargeOutcome } from './charge-outcome.js';
import { InvalidPaymentLimitError } from './payment.errors.js';

/** The decline rule of the simulated provider: anything over the limit is declined, the limit itself is captured. */
export class PaymentLimit {
  constructor(readonly limitCents: number) {
    if (!Number.isSafeInteger(limitCents) || limitCents < 0) throw new InvalidPaymentLimitError(limitCents);
  }

  judge(amountCents: number): ChargeOutcome {
    return amountCents > this.limitCents ? declined(DeclineReason.LIMIT_EXCEEDED) : CAPTURED;
  }
}
