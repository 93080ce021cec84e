/** What the payment provider answered to a charge. */
export type ChargeOutcome = { captured: true } | { captured: false; reason: string };

export const CAPTURED: ChargeOutcome = { captured: true };

export const declined = (reason: string): ChargeOutcome => ({ captured: false, reason });

/** Decline reasons this context gives; the provider may give others. */
export const DeclineReason = {
  /** The amount is over what the provider will take in one charge. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** The order was cancelled before its payment was requested, so no money is taken. */
  ORDER_CLOSED: 'ORDER_CLOSED',
} as const;
