/** A payment is for a whole, positive number of cents up to MAX_AMOUNT_CENTS; anything else is a broken request. */
export class InvalidPaymentAmountError extends Error {
  constructor(readonly amountCents: number) {
    super(`A payment amount must be a whole number of cents from 1 to 2147483647, got ${amountCents}.`);
    this.name = 'InvalidPaymentAmountError';
  }
}

/** The provider's limit is a whole, non-negative number of cents. */
export class InvalidPaymentLimitError extends Error {
  constructor(readonly limitCents: number) {
    super(`A payment limit must be a non-negative whole number of cents, got ${limitCents}.`);
    this.name = 'InvalidPaymentLimitError';
  }
}
