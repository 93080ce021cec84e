import { defineConfig, variables } from '@shop/platform';

export interface PaymentsConfig {
  /** The simulated provider declines any amount over this. */
  limitCents: number;
}

export const paymentsConfig = defineConfig({
  name: 'payments',
  variables: { PAYMENT_LIMIT_CENTS: variables.wholeNumber(0, Number.MAX_SAFE_INTEGER, 'cents').default(100000) },
  build: (raw): PaymentsConfig => ({ limitCents: raw.PAYMENT_LIMIT_CENTS }),
});
