import { Inject, Injectable } from '@nestjs/common';
import type { PaymentProvider } from '../application/ports/payment-provider.port.js';
import type { ChargeOutcome } from '../domain/charge-outcome.js';
import { PaymentLimit } from '../domain/payment-limit.js';
import { paymentsConfig, type PaymentsConfig } from '../payments.config.js';

/** Stands in for a payment gateway: deterministic and instant, it declines only what is over PAYMENT_LIMIT_CENTS. */
@Injectable()
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly limit: PaymentLimit;

  constructor(@Inject(paymentsConfig.token) config: PaymentsConfig) {
    this.limit = new PaymentLimit(config.limitCents);
  }

  async charge({ amountCents }: { orderId: string; amountCents: number }): Promise<ChargeOutcome> {
    return this.limit.judge(amountCents);
  }
}
