import { declined, DeclineReason, type ChargeOutcome } from './charge-outcome.js';
import type { PaymentRequest } from './payment-request.js';

export type PaymentStatus = 'CAPTURED' | 'DECLINED' | 'REFUNDED';

export interface PaymentState {
  id: string;
  orderId: string;
  customerId: string;
  amountCents: number;
  status: PaymentStatus;
  /** Why the payment was declined; null unless DECLINED. */
  declineReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who asks to see a payment: its customer or an admin may. */
export interface PaymentViewer {
  id: string;
  isAdmin: boolean;
}

/**
 * The one payment of an order. It is settled when it is made (CAPTURED or DECLINED); the only move
 * after that is CAPTURED -> REFUNDED. DECLINED and REFUNDED are final.
 */
export class Payment {
  private constructor(private state: PaymentState) {}

  /** Records what the provider answered to the request. */
  static settle(id: string, request: PaymentRequest, outcome: ChargeOutcome, at: Date): Payment {
    return new Payment({
      id,
      orderId: request.orderId,
      customerId: request.customerId,
      amountCents: request.amountCents,
      status: outcome.captured ? 'CAPTURED' : 'DECLINED',
      declineReason: outcome.captured ? null : outcome.reason,
      createdAt: at,
      updatedAt: at,
    });
  }

  /** A request for an order that is already cancelled is declined without asking the provider. */
  static declineForClosedOrder(id: string, request: PaymentRequest, at: Date): Payment {
    return Payment.settle(id, request, declined(DeclineReason.ORDER_CLOSED), at);
  }

  static restore(state: PaymentState): Payment {
    return new Payment({ ...state });
  }

  get id(): string {
    return this.state.id;
  }

  get orderId(): string {
    return this.state.orderId;
  }

  get amountCents(): number {
    return this.state.amountCents;
  }

  get status(): PaymentStatus {
    return this.state.status;
  }

  get declineReason(): string | null {
    return this.state.declineReason;
  }

  /**
   * Gives captured money back. Returns false, changing nothing, when there is nothing to give back:
   * the payment was declined, or it is refunded already (so a second refund has no effect).
   */
  refund(at: Date): boolean {
    if (this.state.status !== 'CAPTURED') return false;
    this.state = { ...this.state, status: 'REFUNDED', updatedAt: at };
    return true;
  }

  isVisibleTo(viewer: PaymentViewer): boolean {
    return viewer.isAdmin || viewer.id === this.state.customerId;
  }

  snapshot(): PaymentState {
    return { ...this.state };
  }
}
