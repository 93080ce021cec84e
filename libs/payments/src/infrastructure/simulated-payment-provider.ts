import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@shop/platform';
import type { PaymentProvider } from '../application/ports/payment-provider.port.js';
import type { ChargeOutcome } from '../domain/charge-outcome.js';
import { PaymentLimit } from '../domain/payment-limit.js';

/** Stands in for a payment gateway: deterministic and instant, it declines only what is over PAYMENT_LIMIT_CENTS. */
@Injectable()
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly limit: PaymentLimit;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limit = new PaymentLimit(config.paymentLimitCents);
  }

  async charge({ amountCents }: { orderId: string; amountCents: number }): Promise<ChargeOutcome> {
    return this.limit.judge(amountCents);
  }
}
